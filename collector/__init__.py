"""patchgap collector: inventories one PC and pushes the report to the server."""

__version__ = "0.1.0"
