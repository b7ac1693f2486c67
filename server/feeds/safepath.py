"""File names in a feed cache, made from URLs that a provider controls.

A listing (``index.txt``, ``changes.csv``, ROLIE) names each document by URL
and the cache keeps it under a path built from that URL. Each segment is
percent-decoded first and checked after: ``%2e%2e`` is ``..`` only once
decoded. A final check on the resolved path catches anything the name check
missed.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from server.feeds.interface import FeedError

_SEPARATORS = ("/", "\\", "\0")


class UnsafePath(FeedError):
    """A URL whose cache path would not be a plain file name inside the cache."""


def file_name(segment: str, url: str) -> str:
    """One URL path segment as a file name.

    Decoded, then refused when it is empty, ``.`` or ``..`` or holds a path
    separator or NUL; characters outside ``[A-Za-z0-9-_.+]`` become ``_``.
    """
    name = unquote(segment)
    if name in ("", ".", "..") or any(c in name for c in _SEPARATORS):
        raise UnsafePath(f"{url}: path segment {segment!r} decodes to {name!r}, not a plain file name")
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in name)


def inside(root: Path, target: Path, url: str) -> Path:
    """``target``, when it resolves to a path inside ``root``."""
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"{url}: cache path {target} is outside the cache folder {root}")
    return target
