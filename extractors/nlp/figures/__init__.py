"""Figures: numbers that measure a model, a benchmark or the gap (prose and tables)."""
