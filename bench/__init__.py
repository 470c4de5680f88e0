"""Benchmarks (`make bench`). Never run as tests: they need a PostgreSQL of their own and time."""
