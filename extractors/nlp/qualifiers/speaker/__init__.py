"""The speaker qualifier."""
