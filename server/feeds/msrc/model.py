"""What the MSRC readers extract, before normalisation.

The CVRF XML, the CVRF JSON and the Security Update Guide (SUG) API pages all
say the same things in different shapes. Each reader turns its shape into
these plain values; :mod:`server.feeds.msrc.normalise` alone turns them into
:class:`~server.feeds.interface.Advisory` values, so the mapping rules live in
one place.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from server.feeds.interface import Problem, utc

_KB = re.compile(r"^(?:KB)?(\d{6,8})$", re.IGNORECASE)
_SPLIT = re.compile(r"[;,\s]+")


@dataclass(frozen=True)
class MsrcProduct:
    """One entry of the CVRF ProductTree (or one SUG ``productId``)."""

    product_id: str
    name: str
    cpe: str = ""


@dataclass(frozen=True)
class MsrcFix:
    """One "Vendor Fix" remediation for one product, as the source states it."""

    product_id: str
    kb: str = ""  # "KB5039211"; "" when Description is not a KB number
    description: str = ""  # raw Description: a KB, "Release Notes", a package name...
    fixed_build: str = ""
    supersedes: tuple[str, ...] = ()
    subtype: str = ""  # Security Update, Monthly Rollup, Security Hotpatch Update...
    url: str = ""


@dataclass(frozen=True)
class MsrcVuln:
    """One CVRF Vulnerability (a CVE, or an ``ADV`` advisory)."""

    vuln_id: str
    title: str = ""
    severities: tuple[str, ...] = ()  # raw words: Critical, Important...
    scores: tuple[float, ...] = ()
    exploited: bool = False
    revisions: tuple[tuple[str, dt.datetime | None], ...] = ()  # (number, date)
    affected_ids: tuple[str, ...] = ()  # Known Affected product ids
    fixes: tuple[MsrcFix, ...] = ()


@dataclass
class MsrcDoc:
    """One monthly release (or one merged set of SUG pages)."""

    source: str  # the file (or folder of pages) it was read from
    doc_id: str = ""
    products: dict[str, MsrcProduct] = field(default_factory=dict)
    vulns: list[MsrcVuln] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Fixes known without a CVE (SUG ``deployment`` rows): KB data only.
    deployments: list[MsrcFix] = field(default_factory=list)


@dataclass(frozen=True)
class MsrcKb:
    """One update package, for display: what it fixes and what it replaces."""

    kb: str
    supersedes: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # full product names
    fixed_builds: tuple[str, ...] = ()
    subtype: str = ""
    url: str = ""
    cves: tuple[str, ...] = ()


def kb_id(text: str) -> str:
    """``"5039211"`` or ``"KB5039211"`` -> ``"KB5039211"``; anything else -> ``""``."""
    match = _KB.match(text.strip())
    return f"KB{match.group(1)}" if match else ""


def kb_list(text: str) -> tuple[str, ...]:
    """A Supercedence value (one KB, or several separated by ``;``/``,``) as KB ids."""
    # NOTE: MSRC writes Supercedence as a bare number, sometimes "a;b" or "a, b",
    # and for Office sometimes a product name; keep only what reads as a KB.
    found = (kb_id(part) for part in _SPLIT.split(text or ""))
    return tuple(dict.fromkeys(kb for kb in found if kb))


def parse_time(text: object) -> dt.datetime | None:
    """An MSRC timestamp as an aware datetime; placeholders and junk -> ``None``."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # NOTE: the SUG API writes "0001-01-01T00:00:00Z" for "no date".
    if value.year < 1990:
        return None
    return utc(value)


def parse_score(text: object) -> float | None:
    """A CVSS base score in 0..10, or ``None``."""
    if isinstance(text, bool):
        return None
    try:
        score = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return score if 0.0 <= score <= 10.0 else None
