"""Claim qualifiers: hedge, stance and speaker (one folder each, edsnlp style)."""
