"""Helpers shared by tests and benchmarks (on the path via `pythonpath = ["tests"]` in pyproject.toml)."""
