"""osquery SQL shipped with the collector, one file per query (see README.md)."""
