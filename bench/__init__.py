"""Benchmarks of patchgap (not tests): ``python -m bench.matching --help``."""
