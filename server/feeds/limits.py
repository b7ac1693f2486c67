"""The largest single feed document patchgap reads: one setting, checked
before a document is read.

Every parser holds a whole document in memory, and decoded JSON takes many
times its size (a 200 MB CSAF file peaked at 1.9 GB), so the size is checked
first: a file's by ``stat()``, an archive member's by the size its archive
declares, and the read itself stops one byte past the limit in case either
was wrong. ``PATCHGAP_MAX_FEED_DOCUMENT_MB`` overrides the default.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import BinaryIO

from server.feeds.interface import FeedError

ENV = "PATCHGAP_MAX_FEED_DOCUMENT_MB"
DEFAULT_MB = 128
MIB = 1024 * 1024


class TooLarge(FeedError):
    """A document over the limit; its message names the size and the limit."""

    def __init__(self, size: int | None, limit: int) -> None:
        # None: the size is not known, only that it passed the limit (a stream, a decompression).
        what = f"{size:,} bytes" if size is not None else f"more than {limit:,} bytes"
        super().__init__(f"document of {what}: over the limit of {limit:,} bytes ({limit / MIB:g} MiB) "
                         f"for one feed document (set {ENV} to change it)")


def max_document_bytes() -> int:
    """The limit in bytes (read on every call: tests and long-running servers may change it)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return DEFAULT_MB * MIB
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and mb > 0):
        raise FeedError(f"{ENV}={raw!r}: give the largest feed document in MiB (default {DEFAULT_MB})")
    return max(1, int(mb * MIB))


def check_size(size: int) -> None:
    """Raise :class:`TooLarge` when a document of ``size`` bytes is over the limit."""
    limit = max_document_bytes()
    if size > limit:
        raise TooLarge(size, limit)


def read_bounded(handle: BinaryIO, declared: int | None = None) -> bytes:
    """Read one document from ``handle``: refused before reading when its
    ``declared`` size is over the limit, and as soon as more bytes come."""
    if declared is not None:
        check_size(declared)
    limit = max_document_bytes()
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(None, limit)
    return data


def read_document(path: Path) -> bytes:
    """The bytes of one document file (:class:`TooLarge` before any read when over the limit)."""
    with path.open("rb") as handle:
        return read_bounded(handle, os.fstat(handle.fileno()).st_size)
