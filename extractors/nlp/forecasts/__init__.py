"""Forecasts: probabilities someone puts on a proposition, and conditional thresholds."""
