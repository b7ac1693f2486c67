"""CSAF 2.0 feed: documents and VEX files, provider directories and ROLIE feeds.

- :class:`CsafFeed` parses a document or a folder into normalised advisories.
- ``server.feeds.csaf.validate.Validator`` checks documents against the CSAF 2.0
  JSON schema offline (imported only when asked for: it needs jsonschema).
- :func:`sync_provider` mirrors a provider (URL or local folder) incrementally,
  checking hashes and OpenPGP signatures before anything is parsed.
"""
from __future__ import annotations

from server.feeds.csaf.document import parse_document
from server.feeds.csaf.parse import CsafFeed, classify, parse_bytes
from server.feeds.csaf.provider import SyncResult, sync_provider

__all__ = ["CsafFeed", "SyncResult", "classify", "parse_bytes", "parse_document", "sync_provider"]
