"""Learned parts: small linear classifiers over rule-derived and lexical features."""
