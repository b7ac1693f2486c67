"""One NVD CVE API 2.0 ``cve`` object -> :class:`Advisory`.

Scores: the first of CVSS v3.1, v3.0, v4.0, v2 that has a base score, the
NVD's own ("Primary") metric before a CNA's. ``cisaExploitAdd`` (the CVE is in
CISA's KEV catalog) sets ``exploited`` and ``cisaActionDue`` the deadline.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from server.feeds.interface import Advisory, utc
from server.feeds.nvd.configs import config_items

METRIC_KEYS = ("cvssMetricV31", "cvssMetricV30", "cvssMetricV40", "cvssMetricV2")
SEVERITIES = {"critical": "critical", "high": "high", "medium": "medium", "low": "low"}
DETAIL_URL = "https://nvd.nist.gov/vuln/detail/"
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
_TITLE_LENGTH = 120


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return utc(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _metric(metrics: object) -> tuple[float | None, str]:
    """The best (score, severity) pair of a ``metrics`` object."""
    if not isinstance(metrics, dict):
        return None, ""
    for key in METRIC_KEYS:
        entries = [m for m in metrics.get(key) or [] if isinstance(m, dict)] \
            if isinstance(metrics.get(key), list) else []
        entries.sort(key=lambda m: m.get("type") != "Primary")
        for entry in entries:
            data = entry.get("cvssData") if isinstance(entry.get("cvssData"), dict) else {}
            score = data.get("baseScore")
            if isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 10:
                # NOTE: v2 keeps baseSeverity beside cvssData, v3/v4 inside it.
                word = data.get("baseSeverity") or entry.get("baseSeverity")
                severity = SEVERITIES.get(word.lower(), "") if isinstance(word, str) else ""
                return float(score), severity
    return None, ""


def _title(cve: dict[str, Any]) -> str:
    name = cve.get("cisaVulnerabilityName")
    if isinstance(name, str) and name.strip():
        return name.strip()
    entries = cve.get("descriptions")
    for entry in entries if isinstance(entries, list) else []:
        value = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(value, str) and entry.get("lang") == "en":
            text = " ".join(value.split())
            return text if len(text) <= _TITLE_LENGTH else text[: _TITLE_LENGTH - 1] + "…"
    return ""


def cve_id(cve: object) -> str:
    """The CVE id of a ``cve`` object, or ``""`` when it has none that reads as one."""
    value = cve.get("id") if isinstance(cve, dict) else None
    return value.strip() if isinstance(value, str) and _CVE.match(value.strip()) else ""


def advisory(cve: dict[str, Any]) -> Advisory:
    """Normalise one ``cve`` object (its id is checked by :func:`cve_id` first)."""
    ident = cve_id(cve)
    score, severity = _metric(cve.get("metrics"))
    modified = cve.get("lastModified")
    return Advisory(
        source="nvd",
        advisory_id=ident,
        title=_title(cve),
        severity=severity,
        cvss=score,
        cves=(ident,),
        published=_time(cve.get("published")),
        updated=_time(modified),
        revision=modified.strip() if isinstance(modified, str) else "",
        url=DETAIL_URL + ident,
        exploited=isinstance(cve.get("cisaExploitAdd"), str),
        withdrawn=cve.get("vulnStatus") == "Rejected",
        affected=tuple(config_items(cve.get("configurations"))),
        deadline=_date(cve.get("cisaActionDue")),
    )
