"""Severity of an OSV record: textual ratings first, then a CVSS v3 base score.

OSV carries severity in several places: ``database_specific.severity`` (GitHub:
``CRITICAL``/``HIGH``/``MODERATE``/``LOW``), per-package ``ecosystem_specific``
(Ubuntu's ``ubuntu_priority``), a ``severity`` array of CVSS vectors or
``Ubuntu`` ratings, and, for Red Hat rebuilds, only the summary prefix
(``Important: sudo security update``).
"""
from __future__ import annotations

import math
import re

_WORDS = {
    "critical": "critical",
    "high": "high",
    "important": "high",
    "moderate": "medium",
    "medium": "medium",
    "low": "low",
    "negligible": "low",
}
_RANK = {"": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
_SUMMARY_PREFIX = re.compile(r"^\s*(critical|important|moderate|low)\s*:", re.IGNORECASE)

# CVSS v3.x base metric weights (FIRST CVSS v3.1 specification, section 7.4).
_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_UNCHANGED = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_CHANGED = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}


def word(text: str) -> str:
    """A textual rating (``Important``, ``MODERATE``, ``negligible``) as ours."""
    return _WORDS.get(text.strip().lower(), "")


def highest(*ratings: str) -> str:
    """The most severe of several normalised ratings."""
    return max(ratings, key=lambda r: _RANK.get(r, 0), default="")


def from_summary(summary: str) -> str:
    """Red Hat style ``Important: ...`` summaries."""
    match = _SUMMARY_PREFIX.match(summary)
    return word(match.group(1)) if match else ""


def bucket(score: float) -> str:
    """The qualitative rating of a CVSS base score."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low" if score > 0 else ""


def cvss3_base(vector: str) -> float | None:
    """The base score of a ``CVSS:3.x/...`` vector; ``None`` if it is not one."""
    parts = vector.strip().split("/")
    if not parts or parts[0] not in ("CVSS:3.0", "CVSS:3.1"):
        return None
    metrics = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
    try:
        changed = {"U": False, "C": True}[metrics["S"]]
        pr = (_PR_CHANGED if changed else _PR_UNCHANGED)[metrics["PR"]]
        exploitability = 8.22 * _AV[metrics["AV"]] * _AC[metrics["AC"]] * pr * _UI[metrics["UI"]]
        c, i, a = (_CIA[metrics[k]] for k in ("C", "I", "A"))
    except KeyError:
        return None
    iss = 1 - (1 - c) * (1 - i) * (1 - a)
    if changed:
        impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    else:
        impact = 6.42 * iss
    if impact <= 0:
        return 0.0
    total = impact + exploitability
    return _roundup(min(1.08 * total if changed else total, 10.0))


def _roundup(value: float) -> float:
    # CVSS v3.1 Appendix A: round up to one decimal, robust to float noise.
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000
    return (math.floor(scaled / 10_000) + 1) / 10.0
