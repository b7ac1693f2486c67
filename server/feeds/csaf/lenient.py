"""Lenient reading of untrusted JSON.

Real CSAF documents are messy: optional sections are missing, strings turn up
where lists belong, timestamps lack zones. The getters here never raise; every
oddity worth telling becomes a :class:`Problem` with its JSON path through
:class:`Issues`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from server.feeds.interface import Problem, utc


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty dict."""
    return value if isinstance(value, dict) else {}


def arr(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    """``value`` stripped if it is a string, else ``""``."""
    return value.strip() if isinstance(value, str) else ""


def number(value: Any) -> float | None:
    """``value`` as a float if it is a JSON number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass
class Issues:
    """Collects the problems of one document."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def warn(self, path: str, reason: str) -> None:
        """Record a non-fatal problem: the document is still used."""
        self.problems.append(Problem(self.file, reason, path, fatal=False))

    def fatal(self, path: str, reason: str) -> None:
        """Record a fatal problem: the document is skipped."""
        self.problems.append(Problem(self.file, reason, path, fatal=True))

    @property
    def has_fatal(self) -> bool:
        return any(p.fatal for p in self.problems)


def parse_time(value: Any, path: str, issues: Issues) -> dt.datetime | None:
    """An ISO 8601 timestamp in UTC; naive ones are taken as UTC.

    # NOTE: Fortinet's CSAF writes ``2026-01-14T00:00:00`` without a zone.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        issues.warn(path, f"timestamp is a {type(value).__name__}, not a string")
        return None
    raw = value.strip()
    if raw[-1:] in ("Z", "z"):
        raw = raw[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        issues.warn(path, f"unreadable timestamp {value!r}")
        return None
    stamped = utc(parsed)
    assert stamped is not None
    return stamped.astimezone(dt.timezone.utc)


def load_json(data: bytes, file: str) -> tuple[Any, Problem | None]:
    """Decode ``data``; on failure return a fatal problem with the position."""
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(file, f"not UTF-8 text: {exc.reason}", f"byte {exc.start}")
    if not decoded.strip():
        return None, Problem(file, "empty file", "")
    try:
        return json.loads(decoded), None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        return None, Problem(file, f"not valid JSON (truncated or corrupt): {exc.msg}", where)
    except (ValueError, RecursionError) as exc:
        # NOTE: json raises plain ValueError for over-long integers and
        # RecursionError for absurd nesting; both mean "unusable input".
        return None, Problem(file, f"not usable JSON: {type(exc).__name__}: {exc}"[:300], "")
