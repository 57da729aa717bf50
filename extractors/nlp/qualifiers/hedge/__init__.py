"""The hedge qualifier."""
