"""The stance qualifier."""
