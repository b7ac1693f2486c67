"""Read a monthly MSRC CVRF 1.1 XML document into :class:`MsrcDoc`.

The documents come from ``https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/<id>``
(``Accept: application/xml``). Elements are matched by local name inside the
``http://www.icasi.org/CVRF/schema/`` namespaces, so CVRF 1.1 and 1.2 read the
same. Parsing goes through defusedxml: entity expansion and DTDs are refused.
"""
from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

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

CVRF_NS = "http://www.icasi.org/CVRF/schema/"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _kid(element: Element | None, name: str) -> Element | None:
    found = _kids(element, name)
    return found[0] if found else None


def _text(element: Element | None, name: str = "") -> str:
    node = _kid(element, name) if name else element
    return (node.text or "").strip() if node is not None else ""


def read_cvrf_xml(data: bytes, source: str) -> MsrcDoc:
    """Parse CVRF XML bytes. A document that cannot be read at all comes back
    with one fatal :class:`Problem` and nothing else."""
    try:
        root = SafeET.fromstring(data)
    # NOTE: LookupError: a declaration naming an unknown encoding (encoding="tf-8").
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        return MsrcDoc(source, problems=[Problem(source, f"not well-formed CVRF XML: {exc}")])
    if _local(root.tag) != "cvrfdoc" or not str(root.tag).startswith("{" + CVRF_NS):
        reason = f"root element is {root.tag!r}, not a CVRF cvrfdoc"
        return MsrcDoc(source, problems=[Problem(source, reason)])
    tracking = _kid(root, "DocumentTracking")
    doc_id = _text(_kid(tracking, "Identification"), "ID") or _text(root, "DocumentTitle")
    doc = MsrcDoc(source, doc_id)
    for tree in _kids(root, "ProductTree"):
        for node in tree.iter():
            if _local(node.tag) != "FullProductName":
                continue
            pid = (node.get("ProductID") or "").strip()
            if not pid:
                continue
            # NOTE: MSRC lists each product twice: inside its Branch, and again at
            # the tree's top level with a CPE attribute. Keep the name, add the CPE.
            old = doc.products.get(pid)
            cpe = (node.get("CPE") or "").strip() or (old.cpe if old else "")
            doc.products[pid] = MsrcProduct(pid, (node.text or "").strip(), cpe)
    vulns = _kids(root, "Vulnerability")
    for index, node in enumerate(vulns):
        vuln = _vulnerability(node)
        if vuln is None:
            doc.problems.append(
                Problem(source, "Vulnerability without a CVE id: skipped",
                        path=f"Vulnerability[{index}]", fatal=False))
        else:
            doc.vulns.append(vuln)
    if not vulns:
        doc.problems.append(Problem(source, "CVRF document lists no Vulnerability", fatal=False))
    return doc


def _ids(element: Element | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (_text(p) for p in _kids(element, "ProductID")) if t))


def _vulnerability(node: Element) -> MsrcVuln | None:
    vuln_id = _text(node, "CVE")
    if not vuln_id:
        return None
    severities: list[str] = []
    exploited = False
    for threat in _kids(_kid(node, "Threats"), "Threat"):
        kind = (threat.get("Type") or "").strip().lower()
        description = _text(threat, "Description")
        if kind == "severity" and description:
            severities.append(description)
        elif kind == "exploit status" and "exploited:yes" in description.lower().replace(" ", ""):
            exploited = True
    scores = []
    for score_set in _kids(_kid(node, "CVSSScoreSets"), "ScoreSet"):
        score = parse_score(_text(score_set, "BaseScore"))
        if score is not None:
            scores.append(score)
    affected: list[str] = []
    for status in _kids(_kid(node, "ProductStatuses"), "Status"):
        if (status.get("Type") or "").strip().lower() == "known affected":
            affected.extend(_ids(status))
    fixes = []
    for remediation in _kids(_kid(node, "Remediations"), "Remediation"):
        if (remediation.get("Type") or "").strip().lower() != "vendor fix":
            continue
        description = _text(remediation, "Description")
        for pid in _ids(remediation):
            fixes.append(MsrcFix(
                product_id=pid,
                kb=kb_id(description),
                description=description,
                fixed_build=_text(remediation, "FixedBuild"),
                supersedes=kb_list(_text(remediation, "Supercedence")),
                subtype=_text(remediation, "SubType"),
                url=_text(remediation, "URL"),
            ))
    revisions = tuple(
        (_text(rev, "Number"), parse_time(_text(rev, "Date")))
        for rev in _kids(_kid(node, "RevisionHistory"), "Revision")
    )
    return MsrcVuln(
        vuln_id=vuln_id,
        title=_text(node, "Title"),
        severities=tuple(severities),
        scores=tuple(scores),
        exploited=exploited,
        revisions=revisions,
        affected_ids=tuple(dict.fromkeys(affected)),
        fixes=tuple(fixes),
    )
