"""One CSAF 2.0 document (already decoded JSON) -> one :class:`Advisory`.

Reads ``document`` (tracking, title, references, publisher), the product
tree, and every vulnerability's CVE, statuses, remediations, scores and
threats. Only a missing ``document`` object or ``tracking.id`` is fatal.
"""
from __future__ import annotations

import re
from typing import Any

from server.feeds.csaf.affected import affected_items, statuses
from server.feeds.csaf.identify import clean_vendor
from server.feeds.csaf.lenient import Issues, arr, number, obj, parse_time, text
from server.feeds.csaf.product_tree import resolve_tree
from server.feeds.csaf.remediation import product_groups, vendor_fixes
from server.feeds.interface import Advisory, Parsed

_CVE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
_SEVERITIES = ("critical", "high", "medium", "low")
# NOTE: Red Hat and SUSE name their aggregate severity in their own words.
_AGGREGATE = {"critical": "critical", "important": "high", "high": "high",
              "moderate": "medium", "medium": "medium", "low": "low"}
_EXPLOITED = re.compile(
    r"exploitation detected|exploited in the wild|actively exploited|active exploitation"
    r"|known to be exploited|exploitation (?:has been )?observed|under active exploitation",
    re.IGNORECASE,
)

# "No exploitation detected", "not known to be exploited": dropped before looking.
_NEGATED = re.compile(r"\b(?:no|not|never|without)\b(?:\W+\w+){0,3}?\W+exploit\w*(?:\s+(?:detected|observed))?",
                      re.IGNORECASE)


def _severity_of(score: float) -> str:
    return ("critical" if score >= 9 else "high" if score >= 7
            else "medium" if score >= 4 else "low" if score > 0 else "")


def scores(vulns: Any) -> tuple[str, float | None]:
    """(severity, CVSS base score) of the highest CVSS v3 score, else v2."""
    best: tuple[float, str] | None = None
    for version in ("cvss_v3", "cvss_v2"):
        for vuln in arr(vulns):
            for score in arr(obj(vuln).get("scores")):
                cvss = obj(obj(score).get(version))
                base = number(cvss.get("baseScore"))
                if base is None or not 0 <= base <= 10:
                    continue
                named = text(cvss.get("baseSeverity")).lower()
                if best is None or base > best[0]:
                    best = (base, named if named in _SEVERITIES else _severity_of(base))
        if best is not None:
            return best[1], best[0]
    return "", None


def exploited(vulns: Any) -> bool:
    """True when a threat of category ``exploit_status`` says it is exploited."""
    for vuln in arr(vulns):
        for threat in arr(obj(vuln).get("threats")):
            data = obj(threat)
            if text(data.get("category")) != "exploit_status":
                continue
            details = text(data.get("details"))
            # NOTE: MSRC writes "Publicly Disclosed:No;Exploited:Yes;Latest Software
            # Release:Exploitation More Likely": only the "Exploited:" field counts.
            flag = re.search(r"\bexploited\s*:\s*(yes|no)\b", details, re.IGNORECASE)
            if flag:
                if flag[1].lower() == "yes":
                    return True
                continue
            if _EXPLOITED.search(_NEGATED.sub(" ", details)):
                return True
    return False


def cves(vulns: Any, issues: Issues) -> tuple[str, ...]:
    """Every ``vulnerabilities[].cve``, upper-cased, first occurrence first."""
    found: list[str] = []
    for i, vuln in enumerate(arr(vulns)):
        raw = obj(vuln).get("cve")
        if raw is None:
            continue
        cve = text(raw).upper()
        if not _CVE.fullmatch(cve):
            issues.warn(f"$.vulnerabilities[{i}].cve", f"not a CVE id: {raw!r}")
        elif cve not in found:
            found.append(cve)
    return tuple(found)


def _self_url(document: dict[str, Any]) -> str:
    for ref in arr(document.get("references")):
        data = obj(ref)
        if text(data.get("category")) == "self" and text(data.get("url")):
            return text(data.get("url"))
    return ""


def _revision(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # NOTE: some generators write "version": 1
    return text(value)


def parse_document(value: Any, file: str) -> Parsed:
    """Turn one decoded CSAF document into a :class:`Parsed` (never raises)."""
    issues = Issues(file)
    parsed = Parsed(source_file=file, problems=issues.problems)
    document = value.get("document") if isinstance(value, dict) else None
    if not isinstance(document, dict):
        issues.fatal("$.document", "not a CSAF document: no 'document' object")
        return parsed
    tracking = obj(document.get("tracking"))
    advisory_id = text(tracking.get("id"))
    if not advisory_id:
        issues.fatal("$.document.tracking.id", "no tracking id: the advisory cannot be stored")
        return parsed
    vulns = value.get("vulnerabilities")
    if vulns is not None and not isinstance(vulns, list):
        # Storing it without its statuses would wipe a good earlier revision.
        issues.fatal("$.vulnerabilities", f"expected an array, found {type(vulns).__name__}")
    publisher = obj(document.get("publisher"))
    vendor = text(publisher.get("name")) if text(publisher.get("category")) == "vendor" else ""
    tree = value.get("product_tree")
    products = resolve_tree(tree, issues)
    if issues.has_fatal:
        return parsed
    fixes = vendor_fixes(vulns, product_groups(tree), set(products),
                         "microsoft" in f"{vendor} {text(publisher.get('namespace'))}".lower(), issues)
    severity, cvss = scores(vulns)
    if not severity:
        aggregate = text(obj(document.get("aggregate_severity")).get("text")).lower()
        severity = _AGGREGATE.get(aggregate, "")
    parsed.advisories.append(Advisory(
        source="csaf", advisory_id=advisory_id, title=text(document.get("title")),
        severity=severity, cvss=cvss, cves=cves(vulns, issues),
        published=parse_time(tracking.get("initial_release_date"),
                             "$.document.tracking.initial_release_date", issues),
        updated=parse_time(tracking.get("current_release_date"),
                           "$.document.tracking.current_release_date", issues),
        revision=_revision(tracking.get("version")), url=_self_url(document),
        exploited=exploited(vulns),
        withdrawn=text(document.get("category")) == "csaf_withdrawn",
        affected=affected_items(statuses(vulns, products, issues), products, fixes,
                                clean_vendor(vendor)),
    ))
    return parsed
