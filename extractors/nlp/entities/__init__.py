"""Model, benchmark and organization mentions (registry + new-name patterns)."""
