"""Write normalised advisories. One call per document, inside the caller's
transaction (a savepoint per document in ``server.advisories.importer``), so a
broken document never half-updates what is stored.

Upsert by (source, advisory id): the newest revision wins, an unchanged
document is a no-op (content digest), a withdrawn one is removed. Affected
items keep their row ids across revisions when their identity is unchanged,
so findings keep their first-detected dates.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.db.models import Advisory, AdvisoryCve, Affected
from server.ecosystems import WINDOWS_OS
from server.feeds import interface as feed
from server.matching.findings import retire_affected
from server.matching.identity import advisory_match_name
from server.versions import VersionError, compare


@dataclass
class StoreResult:
    status: str  # "new" | "updated" | "unchanged" | "older" | "withdrawn"
    advisory_pk: int | None = None
    touched: set[int] = field(default_factory=set)  # affected ids to re-match
    os_touched: bool = False


def digest_of(advisory: feed.Advisory) -> str:
    data = json.dumps(dataclasses.asdict(advisory), sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _is_older(incoming: str, stored: str) -> bool:
    """Revisions are version-like (CSAF tracking.version "1.2.0", OSV modified
    timestamps); compare them as such, else as strings."""
    if not incoming or not stored:
        return False
    try:
        return compare("generic", incoming, stored) < 0
    except VersionError:
        return incoming < stored


def _identity(item: feed.AffectedItem) -> tuple[str, str, str, str]:
    return (item.ecosystem, item.vendor.lower(), item.product.lower(), item.distro)


def _row_values(item: feed.AffectedItem) -> dict[str, object]:
    return {
        "ecosystem": item.ecosystem,
        "product": item.product,
        "match_name": advisory_match_name(item.ecosystem, item.product, item.vendor, item.cpe),
        "vendor": item.vendor,
        "distro": item.distro,
        "vers_range": item.vers_range,
        "fixed_version": item.fixed_version,
        "fixed_kbs": list(item.fixed_kbs),
        "cpe": item.cpe,
        "purl": item.purl,
        "needs_review": item.needs_review,
    }


def store_advisory(session: Session, advisory: feed.Advisory, now: dt.datetime) -> StoreResult:
    row = session.scalar(
        select(Advisory).where(Advisory.source == advisory.source, Advisory.advisory_id == advisory.advisory_id)
    )
    if advisory.withdrawn:
        if row is None:
            return StoreResult("withdrawn")
        ids = [a.id for a in row.affected]
        retire_affected(session, ids, now)
        session.delete(row)
        session.flush()
        return StoreResult("withdrawn", os_touched=any(a.ecosystem == WINDOWS_OS for a in row.affected))
    digest = digest_of(advisory)
    if row is not None and row.digest == digest:
        return StoreResult("unchanged", row.id)
    if row is not None and _is_older(advisory.revision, row.revision):
        return StoreResult("older", row.id)
    status = "updated" if row is not None else "new"
    if row is None:
        row = Advisory(source=advisory.source, advisory_id=advisory.advisory_id)
        session.add(row)
    row.title = advisory.title
    row.severity = advisory.severity
    row.cvss = advisory.cvss
    row.cves = list(advisory.cves)
    row.published = feed.utc(advisory.published)
    row.updated = feed.utc(advisory.updated)
    row.revision = advisory.revision
    row.url = advisory.url
    row.exploited = advisory.exploited or row.exploited or False
    if advisory.deadline:
        row.deadline = advisory.deadline
    row.digest = digest
    row.imported_at = now
    session.flush()
    _replace_cves(session, row.id, advisory.cves)
    result = StoreResult(status, row.id)
    _replace_affected(session, row, advisory.affected, now, result)
    return result


def _replace_cves(session: Session, advisory_pk: int, cves: tuple[str, ...]) -> None:
    wanted = {cve.upper() for cve in cves if cve}
    have = set(session.scalars(select(AdvisoryCve.cve).where(AdvisoryCve.advisory_pk == advisory_pk)))
    if have - wanted:
        session.execute(
            delete(AdvisoryCve).where(AdvisoryCve.advisory_pk == advisory_pk, AdvisoryCve.cve.in_(sorted(have - wanted)))
        )
    session.add_all(AdvisoryCve(advisory_pk=advisory_pk, cve=cve) for cve in sorted(wanted - have))


def _replace_affected(
    session: Session, row: Advisory, items: tuple[feed.AffectedItem, ...], now: dt.datetime, result: StoreResult
) -> None:
    existing: dict[tuple[str, str, str, str], list[Affected]] = defaultdict(list)
    own_rows = select(Affected).where(Affected.advisory_pk == row.id, Affected.derived_from.is_(None))
    for old in session.scalars(own_rows.order_by(Affected.id)):
        existing[_identity_of_row(old)].append(old)
    targets = []
    for item in items:
        values = _row_values(item)
        bucket = existing.get(_identity(item))
        if bucket:
            target = bucket.pop(0)
            for name, value in values.items():
                setattr(target, name, value)
        else:
            target = Affected(advisory_pk=row.id, **values)
            session.add(target)
        targets.append(target)
        result.os_touched |= item.ecosystem == WINDOWS_OS
    # One flush per document: SQLAlchemy batches the new rows' INSERTs.
    session.flush()
    result.touched.update(target.id for target in targets)
    leftovers = [old for bucket in existing.values() for old in bucket]
    if leftovers:
        ids = [old.id for old in leftovers]
        retire_affected(session, ids, now)
        session.execute(delete(Affected).where(Affected.id.in_(ids)))
        result.os_touched |= any(old.ecosystem == WINDOWS_OS for old in leftovers)


def _identity_of_row(row: Affected) -> tuple[str, str, str, str]:
    return (row.ecosystem, row.vendor.lower(), row.product.lower(), row.distro)
