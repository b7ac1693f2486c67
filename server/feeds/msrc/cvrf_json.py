"""Read the JSON form of an MSRC CVRF document into :class:`MsrcDoc`.

``https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/<id>`` answers JSON when asked
with ``Accept: application/json``. It is the XML document with enums written
as numbers and text wrapped in ``{"Value": ...}``.
"""
from __future__ import annotations

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

# NOTE: enum numbers as the MSRC PowerShell module reads them
# (microsoft/MSRC-Microsoft-Security-Updates-API, Get-MsrcCvrfAffectedSoftware):
# Threat 0 Impact, 1 Exploit Status, 3 Severity; Remediation 2 Vendor Fix.
THREAT_TYPES = {0: "impact", 1: "exploit status", 2: "target set", 3: "severity"}
REMEDIATION_TYPES = {0: "workaround", 1: "mitigation", 2: "vendor fix", 3: "none available",
                     4: "will not fix"}


def is_cvrf_json(data: object) -> bool:
    """Does this decoded JSON look like a CVRF document (not a SUG page)?"""
    return isinstance(data, dict) and "Vulnerability" in data and (
        "DocumentTracking" in data or "ProductTree" in data)


def _value(node: object) -> str:
    """``{"Value": "x"}`` or ``"x"`` -> ``"x"``; anything else -> ``""``."""
    if isinstance(node, dict):
        node = node.get("Value")
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return str(node).strip()
    return ""


def _list(node: object) -> list[Any]:
    if isinstance(node, list):
        return node
    return [node] if isinstance(node, dict) else []


def _dicts(node: object) -> list[dict[str, Any]]:
    return [item for item in _list(node) if isinstance(item, dict)]


def _ids(node: dict[str, Any]) -> tuple[str, ...]:
    raw = node.get("ProductID")
    items = raw if isinstance(raw, list) else [raw]
    return tuple(dict.fromkeys(v for v in (_value(i) for i in items) if v))


def _kind(raw: object, names: dict[int, str]) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return names.get(raw, "")
    return raw.strip().lower() if isinstance(raw, str) else ""


def read_cvrf_json(data: dict[str, Any], source: str) -> MsrcDoc:
    """Turn a decoded CVRF JSON document into :class:`MsrcDoc`."""
    tracking = data.get("DocumentTracking")
    ident = tracking.get("Identification") if isinstance(tracking, dict) else None
    doc_id = _value(ident.get("ID")) if isinstance(ident, dict) else ""
    doc = MsrcDoc(source, doc_id or _value(data.get("DocumentTitle")))
    tree = data.get("ProductTree")
    if isinstance(tree, dict):
        stack: list[Any] = list(_list(tree.get("Branch")))
        leaves: list[dict[str, Any]] = []
        while stack:  # branches nest: Vendor > Product Family > product
            node = stack.pop()
            if isinstance(node, dict):
                if "ProductID" in node:
                    leaves.append(node)
                stack.extend(_list(node.get("Items")))
        # NOTE: top-level FullProductName entries repeat the branch leaves with a CPE.
        for leaf in leaves + _dicts(tree.get("FullProductName")):
            pid, name = _value(leaf.get("ProductID")), _value(leaf)
            if pid:
                old = doc.products.get(pid)
                cpe = _value(leaf.get("CPE")) or (old.cpe if old else "")
                doc.products[pid] = MsrcProduct(pid, name or (old.name if old else ""), cpe)
    vulns = _list(data.get("Vulnerability"))
    for index, node in enumerate(vulns):
        vuln = _vulnerability(node) if isinstance(node, dict) else None
        if vuln is None:
            doc.problems.append(Problem(source, "Vulnerability without a CVE id: skipped",
                                        path=f"Vulnerability[{index}]", fatal=False))
        else:
            doc.vulns.append(vuln)
    if not vulns:
        doc.problems.append(Problem(source, "CVRF document lists no Vulnerability", fatal=False))
    return doc


def _vulnerability(node: dict[str, Any]) -> MsrcVuln | None:
    vuln_id = _value(node.get("CVE"))
    if not vuln_id:
        return None
    severities, exploited = [], False
    for threat in _dicts(node.get("Threats")):
        kind = _kind(threat.get("Type"), THREAT_TYPES)
        text = _value(threat.get("Description"))
        if kind == "severity" and text:
            severities.append(text)
        elif kind == "exploit status" and "exploited:yes" in text.lower().replace(" ", ""):
            exploited = True
    scores = [s for s in (parse_score(x.get("BaseScore"))
                          for x in _dicts(node.get("CVSSScoreSets"))) if s is not None]
    affected = [pid for status in _dicts(node.get("ProductStatuses")) for pid in _ids(status)]
    fixes = []
    for rem in _dicts(node.get("Remediations")):
        if _kind(rem.get("Type"), REMEDIATION_TYPES) != "vendor fix":
            continue
        description = _value(rem.get("Description"))
        for pid in _ids(rem):
            fixes.append(MsrcFix(
                product_id=pid, kb=kb_id(description), description=description,
                fixed_build=_value(rem.get("FixedBuild")),
                supersedes=kb_list(_value(rem.get("Supercedence"))),
                subtype=_value(rem.get("SubType")), url=_value(rem.get("URL")),
            ))
    revisions = tuple((_value(r.get("Number")), parse_time(_value(r.get("Date"))))
                      for r in _dicts(node.get("RevisionHistory")))
    return MsrcVuln(
        vuln_id=vuln_id, title=_value(node.get("Title")), severities=tuple(severities),
        scores=tuple(scores), exploited=exploited, revisions=revisions,
        affected_ids=tuple(dict.fromkeys(affected)), fixes=tuple(fixes),
    )
