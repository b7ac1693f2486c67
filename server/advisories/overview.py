"""What ``warnings show`` prints: one warning's CVEs, the products each one
resolved to through the other feeds (or not), the admin's own template rows,
and how many hosts each still affects."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.advisories.resolve import resolution
from server.db.models import Advisory, Affected, Finding, Host, Warning
from server.errors import NotFound

Row = dict[str, Any]
COLUMNS = ["cve", "ecosystem", "item", "distro", "fixed", "kb", "source", "affected_hosts", "status"]
# Status values: stable English for scripts, translated in tables. A CVE
# no feed resolves is "templated" when the admin's template rows name it.
RESOLVED, TEMPLATED, UNRESOLVED, TEMPLATE = "resolved", "templated", "unresolved", "template"


def find_warning(session: Session, number: str) -> Warning:
    warning = session.scalar(select(Warning).where(Warning.number == number))
    if warning is None:
        raise NotFound.of("no_warning", name=number)
    return warning


def _open_hosts(session: Session, advisory_pk: int, units: set[int] | None) -> tuple[dict[int, int], int]:
    """(affected item -> hosts with an open finding of it, distinct hosts in
    all), counting hosts of ``units`` only when given."""
    still_open = [Finding.advisory_pk == advisory_pk, Finding.resolved_at.is_(None)]
    if units is not None:
        still_open.append(Finding.host_id.in_(select(Host.id).where(Host.unit_id.in_(sorted(units)))))
    per_item = dict(
        session.execute(
            select(Finding.affected_id, func.count(func.distinct(Finding.host_id)))
            .where(*still_open).group_by(Finding.affected_id)
        ).all()
    )
    total = session.scalar(select(func.count(func.distinct(Finding.host_id))).where(*still_open)) or 0
    return per_item, total  # type: ignore[return-value]


def _row(cve: str, item: Affected, source: str, hosts: int, status: str) -> Row:
    return {
        "cve": cve,
        "ecosystem": item.ecosystem,
        "item": item.product,
        "distro": item.distro,
        "fixed": item.fixed_version,
        "kb": ", ".join(item.fixed_kbs),
        "source": source,
        "affected_hosts": hosts,
        "status": status,
    }


def warning_overview(session: Session, number: str, units: set[int] | None = None) -> tuple[Row, list[Row]]:
    """(the warning's facts, one row per resolved item, unresolved CVE and
    template row). Rows follow the letter's CVE order, template rows last."""
    warning = find_warning(session, number)
    advisory = session.get(Advisory, warning.advisory_pk) if warning.advisory_pk else None
    per_item, total = _open_hosts(session, advisory.id, units) if advisory else ({}, 0)
    found = resolution(session, warning)
    lenders = {item.derived_from for items in found.resolved.values() for item in items}
    names = {
        pk: f"{source} {advisory_id}"
        for pk, source, advisory_id in session.execute(
            select(Advisory.id, Advisory.source, Advisory.advisory_id).where(Advisory.id.in_(sorted(lenders)))
        )
    } if lenders else {}
    rows: list[Row] = []
    for cve in warning.cves:
        for item in found.resolved.get(cve, []):
            rows.append(_row(cve, item, names.get(item.derived_from or 0, ""), per_item.get(item.id, 0), RESOLVED))
        if cve not in found.resolved:
            status = TEMPLATED if cve in found.templated else UNRESOLVED
            rows.append({**dict.fromkeys(COLUMNS, ""), "cve": cve, "affected_hosts": 0, "status": status})
    if advisory is not None:
        own = select(Affected).where(Affected.advisory_pk == advisory.id, Affected.derived_from.is_(None))
        for item in session.scalars(own.order_by(Affected.id)):
            rows.append(_row("", item, "template", per_item.get(item.id, 0), TEMPLATE))
    facts = {
        "number": warning.number,
        "issuing_body": warning.issuing_body,
        "issued_on": warning.issued_on,
        "subject": warning.subject,
        "severity": warning.severity,
        "deadline": warning.deadline,
        "cves": list(warning.cves),
        "templated": list(found.templated),
        "unresolved": list(found.unresolved),
        "exploited": bool(advisory and advisory.exploited),
        "kev_due_date": advisory.kev_due_date if advisory else None,
        "url": advisory.url if advisory else "",
        "affected_hosts": total,
    }
    return facts, rows
