"""Typed access to decoded JSON: wrong shapes become :class:`Malformed`.

Every reader in this package goes through these helpers, so a record of the
wrong shape ends as one fatal :class:`~server.feeds.interface.Problem` naming
the JSON path, never as a ``KeyError`` or ``TypeError`` deep in the parser.
"""
from __future__ import annotations

import datetime as dt
from typing import Any


class Malformed(Exception):
    """The record does not have the shape the OSV schema requires."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def obj(value: Any, path: str) -> dict[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, dict):
        raise Malformed(path, f"expected an object, got {_kind(value)}")
    return value


def opt_list(value: Any, path: str) -> list[Any]:
    """``value`` as a JSON array; absent or ``null`` is an empty list."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Malformed(path, f"expected an array, got {_kind(value)}")
    return value


def string(value: Any, path: str) -> str:
    """``value`` as a required JSON string."""
    if not isinstance(value, str):
        raise Malformed(path, f"expected a string, got {_kind(value)}")
    return value


def opt_str(value: Any, path: str) -> str:
    """``value`` as an optional JSON string; absent or ``null`` is ``""``."""
    return "" if value is None else string(value, path)


def str_list(value: Any, path: str) -> list[str]:
    """An optional array of strings."""
    return [string(item, f"{path}[{i}]") for i, item in enumerate(opt_list(value, path))]


def timestamp(value: Any, path: str) -> dt.datetime | None:
    """An optional RFC 3339 timestamp, always zone-aware (UTC when naive)."""
    if value is None:
        return None
    text = string(value, path)
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:  # NOTE: naive timestamps are UTC, as interface.utc says
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted to UTC
        raise Malformed(path, f"not an RFC 3339 timestamp: {text[:40]!r}") from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )
