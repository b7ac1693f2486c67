"""OSV range events -> ``vers:`` strings (one per affected interval).

A vers lists its constraints sorted in the scheme's version order, and OSV does
not promise sorted events. Ordering deb, rpm or PEP 440 versions is the
matcher's business, not the parser's, so each (introduced, fixed) interval
becomes its own ``vers:`` with its own fixed version: always valid, and each
branch keeps its own "upgrade to" value. Only enumerated versions (equality
constraints, order-free in meaning) share one ``vers:``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from server.versions.vers import encode

_ZERO_EPOCH = re.compile(r"^0+:")


@dataclass(frozen=True)
class Span:
    """One affected interval: its ``vers:`` and the version that fixes it."""

    vers: str
    fixed: str = ""


def canonical(scheme: str, version: str) -> str:
    """A version as the collector reports it for this scheme.

    NOTE: dpkg and rpm print no epoch when it is 0; Rocky and Red Hat write
    ``0:6.4.1-9.el9_1``, so the zero epoch is dropped to compare like with like.
    """
    if scheme in ("deb", "rpm"):
        return _ZERO_EPOCH.sub("", version)
    return version


def spans(scheme: str, events: list[tuple[str, str]]) -> tuple[list[Span], list[str]]:
    """Intervals of one OSV range, in the order its events are written.

    ``events`` are ``(kind, version)`` with kind ``introduced``, ``fixed``,
    ``last_affected`` or ``limit``. Returns the spans and warnings about events
    that were ignored.
    """
    out: list[Span | None] = []
    warnings: list[str] = []
    lower: str | None = None  # None: no interval open; "": open with no lower bound
    for i, (kind, version) in enumerate(events):
        if kind == "introduced":
            if lower is None:
                lower = "" if version == "0" else canonical(scheme, version)
            # NOTE: a second "introduced" inside an open interval adds nothing.
            continue
        if lower is None:
            warnings.append(f"events[{i}]: {kind!r} {version!r} closes no 'introduced'; ignored")
            continue
        if kind == "limit" and version == "*":
            out.append(_span(scheme, lower, "", ""))
        else:
            span = _span(scheme, lower, kind, canonical(scheme, version))
            if span is None:
                warnings.append(f"events[{i}]: empty interval at {version!r}; ignored")
            else:
                out.append(span)
        lower = None
    if lower is not None:
        out.append(_span(scheme, lower, "", ""))
    return [s for s in out if s is not None], warnings


def enumerated(scheme: str, versions: list[str]) -> Span:
    """Listed versions as equality constraints: ``vers:pypi/1.0|1.1``."""
    unique = dict.fromkeys(encode(canonical(scheme, v)) for v in versions if v)
    return Span(f"vers:{scheme}/" + "|".join(unique))


def every(scheme: str) -> Span:
    """Every version (an open range with no bounds)."""
    return Span(f"vers:{scheme}/*")


def _span(scheme: str, lower: str, kind: str, upper: str) -> Span | None:
    low = [f">={encode(lower)}"] if lower else []
    if not kind:
        return Span(f"vers:{scheme}/" + ("|".join(low) or "*"))
    if lower and lower == upper:
        # [x, x] is the single version x; [x, x) is empty.
        return Span(f"vers:{scheme}/{encode(upper)}") if kind == "last_affected" else None
    comparator = "<=" if kind == "last_affected" else "<"
    constraints = "|".join([*low, f"{comparator}{encode(upper)}"])
    return Span(f"vers:{scheme}/{constraints}", upper if kind == "fixed" else "")
