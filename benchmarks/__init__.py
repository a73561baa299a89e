"""Benchmarks run by `make bench` (`python -m benchmarks`): each prints its figures, nothing asserts."""
