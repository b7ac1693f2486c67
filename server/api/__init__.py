"""HTTP ingest API: enrollment, reports, health."""
from server.api.app import create_app

__all__ = ["create_app"]
