"""Read Security Update Guide API pages and the CVRF release index.

The SUG OData API (``https://api.msrc.microsoft.com/sug/v2.0/en-US/<entity>``)
pages three entity sets, each a ``{"@odata.context": ...#<entity>, "value": [...]}``
page with an ``@odata.nextLink``:

- ``vulnerability``: one row per CVE (title, severity, exploited, revisions);
- ``affectedProduct``: one row per CVE and product, with ``kbArticles``
  (KB, ``fixedBuildNumber``, ``supercedence``);
- ``deployment``: one row per KB and product (no CVE): supersedence only.

Pages of one download are merged by CVE into one :class:`MsrcDoc`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from server.feeds.interface import Problem
from server.feeds.msrc.model import (
    MsrcDoc,
    MsrcFix,
    MsrcProduct,
    MsrcVuln,
    kb_id,
    kb_list,
    parse_score,
    parse_time,
)

ENTITIES = ("vulnerability", "affectedProduct", "deployment")


def page_entity(data: object) -> str:
    """The entity set of a decoded OData page (``"affectedProduct"``...), or ``""``."""
    if not isinstance(data, dict):
        return ""
    context = data.get("@odata.context")
    return context.rsplit("#", 1)[-1] if isinstance(context, str) and "#" in context else ""


def _str(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@dataclass
class _Cve:
    title: str = ""
    severities: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    exploited: bool = False
    revisions: list[tuple[str, dt.datetime | None]] = field(default_factory=list)
    fixes: list[MsrcFix] = field(default_factory=list)
    affected: list[str] = field(default_factory=list)


def _fix(pid: str, article: dict[str, Any]) -> MsrcFix:
    name = _str(article.get("articleName"))
    return MsrcFix(
        product_id=pid, kb=kb_id(name), description=name,
        fixed_build=_str(article.get("fixedBuildNumber")),
        supersedes=kb_list(_str(article.get("supercedence"))),
        subtype=_str(article.get("downloadName")),
        url=_str(article.get("downloadUrl")) or _str(article.get("articleUrl")),
    )


def read_sug_pages(pages: list[tuple[str, object]], source: str) -> MsrcDoc:
    """Merge decoded SUG pages ``(file name, data)`` into one :class:`MsrcDoc`."""
    doc = MsrcDoc(source, "sug-api")
    cves: dict[str, _Cve] = {}
    for source, data in pages:
        entity = page_entity(data)
        rows = data.get("value") if isinstance(data, dict) else None
        if entity not in ENTITIES or not isinstance(rows, list):
            doc.problems.append(Problem(source, "not a Security Update Guide page "
                                        f"(entity {entity!r}, value list expected)"))
            continue
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                doc.problems.append(Problem(source, "row is not an object",
                                            path=f"value[{index}]", fatal=False))
                continue
            if entity == "deployment":
                pid = _str(row.get("productId"))
                _product(doc, pid, row)
                doc.deployments.append(_fix(pid, {**row, "downloadUrl": row.get("articleUrl")}))
                continue
            cve_id = _str(row.get("cveNumber"))
            if not cve_id:
                doc.problems.append(Problem(source, "row without cveNumber: skipped",
                                            path=f"value[{index}]", fatal=False))
                continue
            cve = cves.setdefault(cve_id, _Cve())
            if _str(row.get("severity")):
                cve.severities.append(_str(row.get("severity")))
            score = parse_score(row.get("baseScore"))
            if score is not None:
                cve.scores.append(score)
            if entity == "vulnerability":
                _vulnerability_row(cve, row)
            else:
                pid = _str(row.get("productId"))
                _product(doc, pid, row)
                cve.affected.append(pid)
                cve.fixes.extend(_fix(pid, a) for a in _dicts(row.get("kbArticles")))
    for cve_id, cve in cves.items():
        doc.vulns.append(MsrcVuln(
            vuln_id=cve_id, title=cve.title, severities=tuple(cve.severities),
            scores=tuple(cve.scores), exploited=cve.exploited, revisions=tuple(cve.revisions),
            affected_ids=tuple(dict.fromkeys(p for p in cve.affected if p)),
            fixes=tuple(f for f in cve.fixes if f.product_id),
        ))
    return doc


def _product(doc: MsrcDoc, pid: str, row: dict[str, Any]) -> None:
    name = _str(row.get("product"))
    if pid and name and pid not in doc.products:
        cpe = _str(row.get("cpe"))
        # NOTE: SUG CPEs carry a "{bv}" placeholder for the build version.
        doc.products[pid] = MsrcProduct(pid, name, "" if "{" in cpe else cpe)


def _vulnerability_row(cve: _Cve, row: dict[str, Any]) -> None:
    cve.title = _str(row.get("cveTitle")) or cve.title
    cve.exploited = cve.exploited or _str(row.get("exploited")).lower() == "yes"
    revisions = [(_str(r.get("version")), parse_time(r.get("revisionDate")))
                 for r in _dicts(row.get("revisions"))]
    if not revisions:
        revisions = [("", parse_time(row.get("releaseDate"))),
                     ("", parse_time(row.get("latestRevisionDate")))]
    cve.revisions.extend(revisions)


@dataclass(frozen=True)
class MsrcRelease:
    """One monthly CVRF document listed by ``/cvrf/v3.0/updates``."""

    release_id: str
    title: str = ""
    initial: dt.datetime | None = None
    current: dt.datetime | None = None
    cvrf_url: str = ""


def read_releases(data: object) -> list[MsrcRelease]:
    """The CVRF release index (``updates``): which monthly documents exist."""
    rows = data.get("value") if isinstance(data, dict) else None
    return [
        MsrcRelease(_str(r.get("ID")), _str(r.get("DocumentTitle")),
                    parse_time(r.get("InitialReleaseDate")),
                    parse_time(r.get("CurrentReleaseDate")), _str(r.get("CvrfUrl")))
        for r in _dicts(rows) if _str(r.get("ID"))
    ]
