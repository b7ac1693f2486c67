"""The plain list of feed kinds, and which kind a file is (for ``feeds
import`` without ``--kind``: admins copy whatever they have onto an
air-gapped server).

A file is recognised by its first bytes only: a small file is decoded
whole, a larger one by the keys its start holds. Size limits are the
parsers' job (``server.feeds.limits``): sniffing a 200 MB file costs 1 MiB.
"""
from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from server.feeds.interface import Feed, FeedError

KINDS = ("csaf", "osv", "kev", "nvd", "msrc")
# Files that travel with feed documents and are read by their feed, not
# imported on their own: hashes, signatures, directory listings, notes.
COMPANIONS = (".sha256", ".sha512", ".asc", ".sig", ".md", ".txt", ".html")
SNIFF_BYTES = 1024 * 1024
# Keys that give a file's kind away, for a file too large to decode whole;
# in the order _kind_of_json tries the kinds.
_PREFIX_MARKERS = (
    ("csaf", re.compile(rb'"(csaf_version|product_tree)"\s*:')),
    ("csaf-directory", re.compile(rb'"(canonical_url|aggregator|csaf_providers)"\s*:|"(feed|service)"\s*:\s*\{')),
    ("kev", re.compile(rb'"(catalogVersion|cveID)"\s*:')),
    ("nvd", re.compile(rb'"CVE_Items"\s*:|"vulnerabilities"\s*:\s*\[\s*\{\s*"cve"\s*:\s*\{')),
    ("msrc", re.compile(rb'"(@odata\.context|DocumentTitle)"\s*:')),
    ("osv", re.compile(rb'"(affected|schema_version)"\s*:')),
)


def feed_for(kind: str, schema_dir: Path | None = None, strict: bool = False) -> Feed:
    """A parser of this kind. Imported here, lazily: a deployment that never
    uses a feed never loads its dependencies."""
    if kind == "csaf":
        from server.feeds.csaf import CsafFeed

        return CsafFeed(schema_dir=schema_dir / "csaf-2.0" if schema_dir else None, strict=strict)
    if kind == "osv":
        from server.feeds.osv import OsvFeed

        return OsvFeed(schema_dir=schema_dir / "osv" if schema_dir else None, strict=strict)
    if kind == "kev":
        from server.feeds.kev import KevFeed

        return KevFeed()
    if kind == "nvd":
        from server.feeds.nvd import NvdFeed

        return NvdFeed()
    if kind == "msrc":
        from server.feeds.msrc import MsrcFeed

        return MsrcFeed()
    raise FeedError(f"unknown feed kind {kind!r} (one of {', '.join(KINDS)})")


def _kind_of_json(data: Any) -> str | None:
    if isinstance(data, list):
        # SUG API answers are {"value": [...]}, NVD 1.1 is an object: a bare
        # list is an OSV export.
        return "osv" if data and isinstance(data[0], dict) and "affected" in data[0] else None
    if not isinstance(data, dict):
        return None
    document = data.get("document")
    if isinstance(document, dict) and "csaf_version" in document:
        return "csaf"
    # Provider metadata, ROLIE feeds and aggregators describe where documents
    # are; they are read by a CSAF sync, not imported.
    if "canonical_url" in data or isinstance(data.get("feed"), dict) or "aggregator" in data or "service" in data:
        return "csaf-directory"
    vulns = data.get("vulnerabilities")
    if "catalogVersion" in data or isinstance(vulns, list) and vulns and isinstance(vulns[0], dict) and "cveID" in vulns[0]:
        return "kev"
    if "CVE_Items" in data or isinstance(vulns, list) and vulns and isinstance(vulns[0], dict) and "cve" in vulns[0]:
        return "nvd"
    if "id" in data and ("affected" in data or "modified" in data or "schema_version" in data):
        return "osv"
    if "DocumentTitle" in data or "Vulnerability" in data or "@odata.context" in data or "value" in data:
        return "msrc"
    return None


def _kind_of_prefix(head: bytes) -> str | None:
    """The kind of a JSON file from its first :data:`SNIFF_BYTES` only."""
    for kind, marker in _PREFIX_MARKERS:
        if marker.search(head):
            return kind
    return None


def _head(path: Path, gzipped: bool) -> bytes | None:
    """Up to SNIFF_BYTES + 1 bytes of the file (decompressed), None when unreadable."""
    try:
        with path.open("rb") as handle:
            if gzipped:
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    return unzipped.read(SNIFF_BYTES + 1)
            return handle.read(SNIFF_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return None


def sniff(path: Path) -> str | None:
    """The feed kind of one file, or None when it is none of ours."""
    suffix = path.suffix.lower()
    if suffix in COMPANIONS:
        return None
    if suffix == ".zip":
        return "osv"
    raw = _head(path, suffix == ".gz")
    if raw is None:
        return None
    head = raw[:4096].lstrip()
    if head.startswith(b"<"):
        return "msrc" if b"cvrf" in head.lower() else None
    if suffix == ".csv":
        return "kev" if b"cveID" in raw.split(b"\n", 1)[0] else None
    if len(raw) > SNIFF_BYTES:
        return _kind_of_prefix(raw[:SNIFF_BYTES])
    try:
        return _kind_of_json(json.loads(raw))
    except (ValueError, RecursionError):
        return None


def walk(paths: list[Path]) -> Iterator[Path]:
    """Every file under these paths, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            yield path
        else:
            raise FeedError(f"{path}: no such file or folder")
