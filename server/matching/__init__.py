"""Matching: which host misses which fix."""
