"""Types shared by every layer: the taxonomy, extraction records and SQL tables.

Nothing here imports other gapwatch packages, so any layer may depend on it.
"""
