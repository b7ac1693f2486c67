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
from server.ecosystems import WINDOWS_OS
from server.matching.findings import retire_affected

# Sources whose items a warning may borrow. KEV carries no items; warnings
# never borrow from each other.
LENDERS = ("osv", "msrc", "csaf", "nvd")
_COPIED = ("ecosystem", "product", "match_name", "vendor", "distro", "vers_range", "fixed_version", "fixed_kbs",
           "cpe", "purl", "needs_review")


@dataclass
class Resolution:
    """Which CVEs of a warning resolved to which items, which only the
    admin's template rows cover, and which neither (they need a row)."""

    number: str
    resolved: dict[str, list[Affected]] = field(default_factory=dict)
    templated: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


def warning_advisory(session: Session, warning: Warning) -> Advisory:
    """The ``warning`` advisory a letter's findings hang on (made for letters
    imported without product rows).

    A template's advisory keeps the CVEs its rows name (``templated`` in the
    resolution); one made here takes the letter's. The CVE index holds both:
    KEV enrichment joins on it.
    """
    advisory = session.scalar(
        select(Advisory).where(Advisory.source == "warning", Advisory.advisory_id == warning.number)
    )
    if advisory is None:
        advisory = Advisory(source="warning", advisory_id=warning.number, cves=[])
        session.add(advisory)
        session.flush()
    advisory.title = advisory.title or warning.subject
    advisory.severity = warning.severity or advisory.severity
    advisory.deadline = warning.deadline
    cves = list(dict.fromkeys(cve.upper() for cve in warning.cves))
    if not advisory.digest and advisory.cves != cves:  # no template stored it: the letter's list
        advisory.cves = cves
    wanted = set(cves) | {cve.upper() for cve in advisory.cves}
    have = set(session.scalars(select(AdvisoryCve.cve).where(AdvisoryCve.advisory_pk == advisory.id)))
    if have - wanted:
        session.execute(delete(AdvisoryCve).where(AdvisoryCve.advisory_pk == advisory.id,
                                                  AdvisoryCve.cve.in_(sorted(have - wanted))))
    session.add_all(AdvisoryCve(advisory_pk=advisory.id, cve=cve) for cve in sorted(wanted - have))
    warning.advisory_pk = advisory.id
    return advisory


def _key(row: Affected) -> tuple[object, ...]:
    return (row.derived_from, row.cve, *(str(getattr(row, name)) for name in _COPIED))


def _identity(row: Affected) -> tuple[object, ...]:
    """What a borrowed row stands for. A lender's new revision updates the
    row in place, so its findings keep their first-detected dates."""
    return (row.derived_from, row.cve, row.ecosystem, row.vendor.lower(), row.product.lower(), row.distro)


def _wanted(session: Session, advisory: Advisory, warning: Warning) -> dict[tuple[object, ...], Affected]:
    """Copies of every item the lenders give for the warning's CVEs."""
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
    return wanted


def resolve_warning(session: Session, warning: Warning, now: dt.datetime) -> StoreResult:
    """Bring the borrowed items of one warning in line with the stored feeds."""
    advisory = warning_advisory(session, warning)
    result = StoreResult("resolved", advisory.id)
    wanted = _wanted(session, advisory, warning)
    kept: set[tuple[object, ...]] = set()
    spare: dict[tuple[object, ...], list[Affected]] = defaultdict(list)
    for row in session.scalars(select(Affected).where(Affected.advisory_pk == advisory.id,
                                                      Affected.derived_from.is_not(None)).order_by(Affected.id)):
        if _key(row) in wanted and _key(row) not in kept:
            kept.add(_key(row))
        else:
            spare[_identity(row)].append(row)
    for key, copy in wanted.items():
        if key in kept:
            continue
        bucket = spare.get(_identity(copy))
        if bucket:
            row = bucket.pop(0)
            for name in _COPIED:
                setattr(row, name, getattr(copy, name))
        else:
            row = copy
            session.add(row)
        session.flush()
        result.touched.add(row.id)
        result.os_touched |= row.ecosystem == WINDOWS_OS
    stale = [row for bucket in spare.values() for row in bucket]
    if stale:
        ids = [row.id for row in stale]
        retire_affected(session, ids, now)
        result.os_touched |= any(row.ecosystem == WINDOWS_OS for row in stale)
        session.execute(delete(Affected).where(Affected.id.in_(ids)))
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
    """What ``warnings show`` prints: CVE -> borrowed items; the CVEs no feed
    knows but the admin's template rows name; and the rest, which need an
    admin's row in the template."""
    out = Resolution(warning.number)
    by_cve: dict[str, list[Affected]] = defaultdict(list)
    advisory = session.get(Advisory, warning.advisory_pk) if warning.advisory_pk is not None else None
    if advisory is not None:
        for row in session.scalars(
            select(Affected).where(Affected.advisory_pk == advisory.id, Affected.derived_from.is_not(None))
        ):
            by_cve[row.cve].append(row)
    for rows in by_cve.values():
        # Sorted here, not by the database: collations differ between backends.
        rows.sort(key=lambda r: (r.ecosystem, r.product, r.distro, r.fixed_version, r.id))
    templated = {cve.upper() for cve in advisory.cves} if advisory is not None and advisory.digest else set()
    for cve in warning.cves:
        if by_cve.get(cve.upper()):
            out.resolved[cve] = by_cve[cve.upper()]
        elif cve.upper() in templated:
            out.templated.append(cve)
        else:
            out.unresolved.append(cve)
    return out
