"""OSV ``ECOSYSTEM``/``SEMVER`` range events, evaluated as the OSV schema says.

One range is a list of events, each ``{"introduced": v}``, ``{"fixed": v}``,
``{"last_affected": v}`` or ``{"limit": v}``. The schema's evaluation
("IncludedInRanges" and "BeforeLimits"):

- if the range has ``limit`` events, the version must be below one of them
  (a limit containing ``*`` is infinity);
- walk the other events sorted by version: at or above an ``introduced``
  the version becomes affected, at or above a ``fixed`` or above a
  ``last_affected`` it stops being affected; the last applicable event wins.

``introduced: "0"`` sorts before every version, whatever the scheme (``0``
is not even a valid SemVer). At equal versions ``introduced`` sorts first,
so ``introduced: X, fixed: X`` is an empty interval rather than depending on
input order. ``GIT`` ranges need a commit graph and are not handled here.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cmp_to_key

from .interface import Comparator, VersionError, require_str

KINDS = ("introduced", "fixed", "last_affected", "limit")
_Event = tuple[str, str]


def _event(raw: object) -> _Event:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise VersionError(f"an OSV event is an object with exactly one field, not {raw!r}")
    ((kind, value),) = raw.items()
    if kind not in KINDS:
        raise VersionError(f"unknown OSV event {kind!r} (expected one of {', '.join(KINDS)})")
    return kind, require_str(value, f"OSV {kind} version")


def _is_start(event: _Event) -> bool:
    return event == ("introduced", "0")


def _sorted(events: list[_Event], cmp: Comparator) -> list[_Event]:
    def order(x: _Event, y: _Event) -> int:
        if _is_start(x) or _is_start(y):
            return _is_start(y) - _is_start(x)
        return cmp(x[1], y[1]) or (x[0] != "introduced") - (y[0] != "introduced")

    return sorted(events, key=cmp_to_key(order))


def parse_events(events: object) -> list[_Event]:
    """Validate a range's ``events`` list into ``(kind, version)`` pairs."""
    if isinstance(events, (str, bytes)) or not isinstance(events, Sequence):
        raise VersionError(f"OSV events must be a list, not {type(events).__name__}")
    parsed = [_event(raw) for raw in events]
    if not any(kind == "introduced" for kind, _ in parsed):
        # The schema requires one; without it nothing would ever match,
        # which would silently hide the advisory.
        raise VersionError("OSV range has no 'introduced' event")
    return parsed


def affected(events: object, version: str, cmp: Comparator) -> bool:
    """Whether ``version`` is affected by one OSV range's ``events``."""
    parsed = parse_events(events)
    cmp(version, version)  # refuse an unparsable version up front
    limits = [value for kind, value in parsed if kind == "limit"]
    if limits and not any("*" in limit or cmp(version, limit) < 0 for limit in limits):
        return False
    vulnerable = False
    for kind, value in _sorted([e for e in parsed if e[0] != "limit"], cmp):
        if kind == "introduced":
            if value == "0" or cmp(version, value) >= 0:
                vulnerable = True
        elif kind == "fixed" and cmp(version, value) >= 0:
            vulnerable = False
        elif kind == "last_affected" and cmp(version, value) > 0:
            vulnerable = False
    return vulnerable
