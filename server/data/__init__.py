"""Data shipped with the server: the demo warning file."""
