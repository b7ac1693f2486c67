"""Warnings that list only CVEs, resolved through the other feeds.

A national letter names CVEs; the fixed versions live at the vendors. Each
warning borrows the affected items that other advisories (OSV, MSRC, CSAF,
NVD) give for its CVEs, as rows of its own marked ``derived_from``, so its
findings carry its number and deadline. Resolution is re-run whenever a feed
import touches one of its CVEs; borrowed rows that no longer hold are retired.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.advisories.store import StoreResult
from server.db.models import Advisory, AdvisoryCve, Affected, Warning
from server.matching.findings import retire_affected

# Sources whose items a warning may borrow. KEV carries no items; warnings
# never borrow from each other.
LENDERS = ("osv", "msrc", "csaf", "nvd")
_COPIED = ("ecosystem", "product", "match_name", "vendor", "distro", "vers_range", "fixed_version", "fixed_kbs",
           "cpe", "purl", "needs_review")


@dataclass
class Resolution:
    """Which CVEs of a warning resolved to which items."""

    number: str
    resolved: dict[str, list[Affected]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


def warning_advisory(session: Session, warning: Warning) -> Advisory:
    """The ``warning`` advisory a letter's findings hang on (made for letters
    imported without product rows)."""
    advisory = session.scalar(
        select(Advisory).where(Advisory.source == "warning", Advisory.advisory_id == warning.number)
    )
    if advisory is None:
        advisory = Advisory(source="warning", advisory_id=warning.number, title=warning.subject,
                            severity=warning.severity, cves=list(warning.cves))
        session.add(advisory)
        session.flush()
        session.add_all(AdvisoryCve(advisory_pk=advisory.id, cve=cve) for cve in sorted(set(warning.cves)))
    advisory.deadline = warning.deadline
    warning.advisory_pk = advisory.id
    return advisory


def _key(row: Affected) -> tuple[object, ...]:
    return (row.derived_from, row.cve, *(str(getattr(row, name)) for name in _COPIED))


def resolve_warning(session: Session, warning: Warning, now: dt.datetime) -> StoreResult:
    """Bring the borrowed items of one warning in line with the stored feeds."""
    advisory = warning_advisory(session, warning)
    result = StoreResult("resolved", advisory.id)
    cves = sorted({cve.upper() for cve in warning.cves})
    lenders = session.execute(
        select(AdvisoryCve.cve, Affected)
        .join(Advisory, Advisory.id == AdvisoryCve.advisory_pk)
        .join(Affected, Affected.advisory_pk == Advisory.id)
        .where(AdvisoryCve.cve.in_(cves), Advisory.source.in_(LENDERS), Affected.derived_from.is_(None))
        .order_by(AdvisoryCve.cve, Affected.id)
    ).all() if cves else []
    wanted: dict[tuple[object, ...], Affected] = {}
    for cve, item in lenders:
        copy = Affected(advisory_pk=advisory.id, derived_from=item.advisory_pk, cve=cve,
                        **{name: getattr(item, name) for name in _COPIED})
        wanted.setdefault(_key(copy), copy)
    have = {
        _key(row): row
        for row in session.scalars(
            select(Affected).where(Affected.advisory_pk == advisory.id, Affected.derived_from.is_not(None))
        )
    }
    stale = [row for key, row in have.items() if key not in wanted]
    if stale:
        ids = [row.id for row in stale]
        retire_affected(session, ids, now)
        result.os_touched |= any(row.ecosystem == "windows-os" for row in stale)
        session.execute(delete(Affected).where(Affected.id.in_(ids)))
    for key, copy in wanted.items():
        if key not in have:
            session.add(copy)
            session.flush()
            result.touched.add(copy.id)
            result.os_touched |= copy.ecosystem == "windows-os"
    return result


def resolve_for_cves(session: Session, cves: set[str], now: dt.datetime) -> list[StoreResult]:
    """Re-resolve every warning that names one of these CVEs."""
    if not cves:
        return []
    numbers = set()
    for warning in session.scalars(select(Warning)):
        if cves & {c.upper() for c in warning.cves}:
            numbers.add(warning.number)
    return [
        resolve_warning(session, warning, now)
        for warning in session.scalars(select(Warning).where(Warning.number.in_(sorted(numbers))))
    ]


def resolution(session: Session, warning: Warning) -> Resolution:
    """What ``warnings show`` prints: CVE -> borrowed items, and the CVEs no
    feed knows (those need an admin's row in the template)."""
    out = Resolution(warning.number)
    by_cve: dict[str, list[Affected]] = defaultdict(list)
    if warning.advisory_pk is not None:
        for row in session.scalars(
            select(Affected).where(Affected.advisory_pk == warning.advisory_pk, Affected.derived_from.is_not(None))
            .order_by(Affected.cve, Affected.ecosystem, Affected.product)
        ):
            by_cve[row.cve].append(row)
    for cve in warning.cves:
        if by_cve.get(cve.upper()):
            out.resolved[cve] = by_cve[cve.upper()]
        else:
            out.unresolved.append(cve)
    return out
