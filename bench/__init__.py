"""Benchmarks (not tests): run a module, e.g. `python -m bench.api_latency`."""
