"""Match distinct software rows against affected items, never host by host.

``software_matches`` holds the (software, affected) pairs that are inside a
range; hosts inherit them through ``host_software`` when findings are
refreshed (``server.matching.findings``). A new report matches only its new
software rows; a feed import matches only the affected items it touched.

Within a run every version is parsed once (``keys.KeyCache``), every range
is compiled once (``ranges.compile_item``) and the software of one identity
is sorted by version key, so an item finds its versions by bisection instead
of comparing each one: the cost follows the number of matches, not the
number of (software, item) pairs. The answers are those of
``decide.package_verdict``; ``tests/bench`` checks them against it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from server.db.models import Affected, Software, SoftwareMatch
from server.matching.decide import Item, item_stream, stream_mismatch
from server.matching.evidence import applies, distros_of, new_to_distro
from server.inventory.distro import FAMILIES
from server.matching.identity import affected_ecosystems_for, software_ecosystems_for
from server.matching.keys import KeyCache
from server.matching.ranges import compile_item

CHUNK = 500
OS_ECOSYSTEMS = frozenset({"windows-os"})
Identity = tuple[str, str]  # (ecosystem, match name)
# No fixed_kbs: package decisions never read them (Windows builds: os_findings).
_ITEM_COLUMNS = (Affected.id, Affected.ecosystem, Affected.match_name, Affected.product, Affected.distro,
                 Affected.vers_range, Affected.fixed_version, Affected.needs_review)
_SOFTWARE_COLUMNS = (Software.id, Software.ecosystem, Software.match_name, Software.version)


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(values), size):
        yield values[start : start + size]


def item_of(row: Any) -> Item:
    """The decision input of an ``Affected`` row (or a row with its columns)."""
    return Item(
        ecosystem=row.ecosystem,
        product=row.product,
        vers_range=row.vers_range,
        fixed_version=row.fixed_version,
        fixed_kbs=tuple(getattr(row, "fixed_kbs", None) or ()),
        needs_review=row.needs_review,
        distro=row.distro,
    )


class _Groups:
    """Software of each identity, sorted by version key once per scheme."""

    def __init__(self, software: Iterable[Any], distros: dict[int, frozenset[str]]) -> None:
        self.rows: dict[Identity, list[tuple[int, str]]] = defaultdict(list)
        for sw_id, ecosystem, name, version in software:
            self.rows[(ecosystem, name)].append((sw_id, version))
        self.distros = distros  # software id -> distros of its hosts (see evidence)
        self.keys = KeyCache()
        self._sorted: dict[tuple[Identity, str], tuple[list[Any], list[int], list[str]]] = {}

    def sorted(self, identity: Identity, scheme: str) -> tuple[list[Any], list[int], list[str]]:
        found = self._sorted.get((identity, scheme))
        if found is None:
            keyed = []
            for sw_id, version in self.rows.get(identity, ()):
                key = self.keys.key(scheme, version)
                if key is not None:  # unparsable: never guessed into a finding
                    keyed.append((key, sw_id, version))
            keyed.sort(key=lambda entry: entry[0])
            found = ([k for k, _, _ in keyed], [i for _, i, _ in keyed], [v for _, _, v in keyed])
            self._sorted[(identity, scheme)] = found
        return found

    def forget(self) -> None:
        """Drop sorted lists and bound keys (memory stays per batch)."""
        self._sorted.clear()
        self.keys = KeyCache()


def _evaluate(groups: _Groups, items: Iterable[Any]) -> Iterator[tuple[int, int]]:
    """(software id, affected id) for every software version inside an item's range."""
    for row in items:
        compiled = compile_item(row.ecosystem, row.vers_range, row.fixed_version, groups.keys)
        if compiled is None:
            continue
        item = item_of(row)
        stream = item_stream(item)
        for ecosystem in software_ecosystems_for(row.ecosystem):
            keys, ids, versions = groups.sorted((ecosystem, row.match_name), compiled.scheme)
            for index in compiled.select(keys):
                if row.distro and not applies(row.distro, groups.distros.get(ids[index], ())):
                    continue  # no host of that release has it
                if stream and stream_mismatch(item, versions[index], stream):
                    continue
                yield ids[index], row.id


def _by_identity(session: Session, model: Any, columns: Sequence[Any], identities: Iterable[Identity],
                 *where: Any) -> list[Any]:
    """Rows of these (ecosystem, match name) identities.

    # NOTE: one ``ecosystem = ? AND match_name IN (...)`` per ecosystem: SQLite
    # plans a row-value ``(a, b) IN ((?, ?), ...)`` as a full table scan."""
    names: dict[str, set[str]] = defaultdict(set)
    for ecosystem, name in identities:
        names[ecosystem].add(name)
    rows: list[Any] = []
    for ecosystem in sorted(names):
        for part in _chunks(sorted(names[ecosystem])):
            rows.extend(session.execute(
                select(*columns).where(model.ecosystem == ecosystem, model.match_name.in_(part), *where)))
    return rows


def _items_of(session: Session, identities: Iterable[Identity], distros: Iterable[str]) -> list[Any]:
    """Items of these identities for any of these host distros (or none)."""
    wanted = {(eco, name) for identity_eco, name in identities for eco in affected_ecosystems_for(identity_eco)}
    releases = sorted({"", *distros, *(f for d in distros for f, members in FAMILIES.items() if d in members)})
    rows = _by_identity(session, Affected, _ITEM_COLUMNS, wanted, Affected.distro.in_(releases))
    return [row for row in rows if row.ecosystem not in OS_ECOSYSTEMS]


def _insert(session: Session, pairs: Iterable[tuple[int, int]]) -> int:
    batch = [{"software_id": s, "affected_id": a} for s, a in set(pairs)]
    for part in _chunks(batch, 20_000):
        session.execute(insert(SoftwareMatch), list(part))
    return len(batch)


def match_software(session: Session, software_ids: Sequence[int]) -> int:
    """Match these (new) software rows against every affected item of their identity."""
    count = 0
    for part in _chunks(sorted(set(software_ids)), 5_000):
        software = [tuple(r) for ids in _chunks(part) for r in
                    session.execute(select(*_SOFTWARE_COLUMNS).where(Software.id.in_(ids)))]
        distros = distros_of(session, part)
        groups = _Groups(software, distros)
        items = _items_of(session, groups.rows, {d for found in distros.values() for d in found})
        for ids in _chunks(part):
            session.execute(delete(SoftwareMatch).where(SoftwareMatch.software_id.in_(ids)))
        count += _insert(session, _evaluate(groups, sorted(items, key=lambda r: r.match_name)))
    return count


def match_host(session: Session, host_id: int, new_software_ids: Sequence[int]) -> int:
    """Match what one report brought: its new software rows, and known rows
    this host is the first of its release to have (``evidence.new_to_distro``)."""
    ids = set(new_software_ids) | set(new_to_distro(session, [host_id]))
    return match_software(session, sorted(ids)) if ids else 0


def match_affected(session: Session, affected_ids: Sequence[int]) -> set[int]:
    """Re-match these affected items against the software of their identity.
    Returns the software ids whose matches may have changed."""
    touched: set[int] = set()
    for part in _chunks(sorted(set(affected_ids))):
        items = [row for row in session.execute(select(*_ITEM_COLUMNS).where(Affected.id.in_(part)))
                 if row.ecosystem not in OS_ECOSYSTEMS]
        touched.update(session.scalars(select(SoftwareMatch.software_id).where(SoftwareMatch.affected_id.in_(part))))
        session.execute(delete(SoftwareMatch).where(SoftwareMatch.affected_id.in_(part)))
        identities = sorted({(eco, row.match_name) for row in items for eco in software_ecosystems_for(row.ecosystem)})
        software = [tuple(r) for r in _by_identity(session, Software, _SOFTWARE_COLUMNS, identities)]
        groups = _Groups(software, distros_of(session, [sw_id for sw_id, *_ in software]))
        hits = list(_evaluate(groups, items))
        _insert(session, hits)
        touched.update(sw_id for sw_id, _ in hits)
    return touched


def match_all(session: Session) -> int:
    """Re-match every software row (after a matcher or product-rule change).
    Product identities are recomputed first; returns the number of matches."""
    from server.matching.unidentified import reidentify

    reidentify(session)
    session.execute(delete(SoftwareMatch))
    groups = _Groups((tuple(r) for r in session.execute(select(*_SOFTWARE_COLUMNS))), distros_of(session, None))
    identities = sorted((eco, name) for eco, name in session.execute(
        select(Affected.ecosystem, Affected.match_name).where(Affected.ecosystem.not_in(OS_ECOSYSTEMS)).distinct()))
    count = 0
    for part in _chunks(identities, 2_000):
        items = _by_identity(session, Affected, _ITEM_COLUMNS, part)
        count += _insert(session, _evaluate(groups, sorted(items, key=lambda r: r.match_name)))
        groups.forget()
    return count
