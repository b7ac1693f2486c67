"""Match distinct software rows against affected items, never host by host.

``software_matches`` holds the (software, affected) pairs that are inside a
range; hosts inherit them through ``host_software`` when findings are
refreshed (``server.matching.findings``). A new report matches only its new
software rows; a feed import matches only the affected items it touched.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from server.db.models import Affected, SoftwareMatch, Software
from server.matching.decide import Item, package_verdict

CHUNK = 500
OS_ECOSYSTEMS = frozenset({"windows-os"})


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(values), size):
        yield values[start : start + size]


def item_of(row: Affected) -> Item:
    return Item(
        ecosystem=row.ecosystem,
        product=row.product,
        vers_range=row.vers_range,
        fixed_version=row.fixed_version,
        fixed_kbs=tuple(row.fixed_kbs or ()),
        needs_review=row.needs_review,
    )


def _evaluate(software: Iterable[tuple[int, str, str, str]], affected: Sequence[Affected]) -> list[dict[str, int]]:
    """Pairs (software id, affected id) whose version is inside the range."""
    by_identity: dict[tuple[str, str], list[Affected]] = defaultdict(list)
    for row in affected:
        by_identity[(row.ecosystem, row.match_name)].append(row)
    items = {row.id: item_of(row) for row in affected}
    hits = []
    for sw_id, ecosystem, name, version in software:
        for row in by_identity.get((ecosystem, name), ()):
            if package_verdict(items[row.id], version, name).affected:
                hits.append({"software_id": sw_id, "affected_id": row.id})
    return hits


def match_software(session: Session, software_ids: Sequence[int]) -> int:
    """Match these (new) software rows against every affected item of their identity."""
    count = 0
    for part in _chunks(sorted(software_ids)):
        rows = session.execute(
            select(Software.id, Software.ecosystem, Software.match_name, Software.version).where(
                Software.id.in_(part)
            )
        ).all()
        identities = sorted({(eco, name) for _, eco, name, _ in rows})
        affected: list[Affected] = []
        for ids in _chunks(identities):
            affected.extend(
                session.scalars(
                    select(Affected).where(tuple_(Affected.ecosystem, Affected.match_name).in_(ids))
                )
            )
        session.execute(delete(SoftwareMatch).where(SoftwareMatch.software_id.in_(part)))
        hits = _evaluate(rows, affected)
        if hits:
            session.execute(insert(SoftwareMatch), hits)
        count += len(hits)
    return count


def match_affected(session: Session, affected_ids: Sequence[int]) -> set[int]:
    """Re-match these affected items against the software of their identity.
    Returns the software ids whose matches may have changed."""
    touched: set[int] = set()
    for part in _chunks(sorted(affected_ids)):
        affected = [
            row
            for row in session.scalars(select(Affected).where(Affected.id.in_(part)))
            if row.ecosystem not in OS_ECOSYSTEMS
        ]
        touched.update(
            session.scalars(select(SoftwareMatch.software_id).where(SoftwareMatch.affected_id.in_(part)))
        )
        session.execute(delete(SoftwareMatch).where(SoftwareMatch.affected_id.in_(part)))
        identities = sorted({(row.ecosystem, row.match_name) for row in affected})
        for ids in _chunks(identities):
            software = session.execute(
                select(Software.id, Software.ecosystem, Software.match_name, Software.version).where(
                    tuple_(Software.ecosystem, Software.match_name).in_(ids)
                )
            ).all()
            hits = _evaluate(software, affected)
            if hits:
                session.execute(insert(SoftwareMatch), hits)
            touched.update(hit["software_id"] for hit in hits)
    return touched


def match_all(session: Session) -> None:
    """Re-match every software row (after a matcher change)."""
    session.execute(delete(SoftwareMatch))
    ids = list(session.scalars(select(Software.id)))
    match_software(session, ids)
