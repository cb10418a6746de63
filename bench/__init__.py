"""Benchmarks: `make bench` (or `python -m bench [S1 S6 ...]`). See bench/README.md."""
