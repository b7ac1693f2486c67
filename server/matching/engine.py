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

Items naming a release are only paired with rows some host of that release
has (``evidence``): a Debian 12 fix sorts above every Debian 11 version of
the package, and such pairs would only be joined to hosts and thrown away.

An rpm row is found under its binary name too, for entries that may name
binaries, and a match through its source name may wait on the advisory's own
entry for that binary (``rpm_names``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from server.db.models import Affected, Software, SoftwareMatch
from server.ecosystems import BINARY_NAMED, OS_BUILDS, software_ecosystems_for
from server.matching.decide import Item, item_stream, module_of, stream_mismatch
from server.db.batches import chunks
from server.matching.evidence import applies, distros_of, new_to_distro
from server.versions.cache import KeyCache
from server.matching.lookup import ITEM_COLUMNS, SOFTWARE_BINARY_COLUMNS, SOFTWARE_COLUMNS, by_identity, items_of
from server.matching.ranges import Compiled, compile_item
from server.matching.rpm_names import (Entry, binaries_of, by_binary_name, may_list_binaries, may_name_binary,
                                       named_binaries, named_entries)

CHUNK = 500
Identity = tuple[str, str]  # (ecosystem, match name)
_NOWHERE: frozenset[str] = frozenset()  # the distros of a row no host has


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
        module=module_of(getattr(row, "purl", "") or ""),
    )


class _Groups:
    """Software of each identity, sorted by version key once per scheme and
    per item distro (only rows some host of that release has)."""

    def __init__(self, software: Iterable[Any], distros: dict[int, frozenset[str]],
                 binaries: dict[int, str] | None = None) -> None:
        self.rows: dict[Identity, list[tuple[int, str]]] = defaultdict(list)
        # software id -> its binary name, where an entry may name it by that (rpm_names)
        self.binary = binaries or {}
        for sw_id, ecosystem, match_name, version in software:
            self.rows[(ecosystem, match_name)].append((sw_id, version))
            binary = self.binary.get(sw_id)
            if binary:
                self.rows[(ecosystem, binary)].append((sw_id, version))
        self.distros = distros  # software id -> distros of its hosts (see evidence)
        self.keys = KeyCache()
        self._sorted: dict[tuple[Identity, str, str], tuple[list[Any], list[int], list[str]]] = {}
        self._allowed: dict[frozenset[str], dict[str, bool]] = {}

    def _on(self, sw_id: int, item_distro: str) -> bool:
        distros = self.distros.get(sw_id, _NOWHERE)
        verdicts = self._allowed.get(distros)
        if verdicts is None:
            verdicts = self._allowed[distros] = {}
        found = verdicts.get(item_distro)
        if found is None:
            found = verdicts[item_distro] = applies(item_distro, distros)
        return found

    def sorted(self, identity: Identity, scheme: str, distro: str) -> tuple[list[Any], list[int], list[str]]:
        found = self._sorted.get((identity, scheme, distro))
        if found is None:
            keyed = []
            for sw_id, version in self.rows.get(identity, ()):
                if distro and not self._on(sw_id, distro):
                    continue  # no host of that release has it
                key = self.keys.key(scheme, version)
                if key is not None:  # unparsable: never guessed into a finding
                    keyed.append((key, sw_id, version))
            keyed.sort(key=lambda entry: entry[0])
            found = ([k for k, _, _ in keyed], [i for _, i, _ in keyed], [v for _, _, v in keyed])
            self._sorted[(identity, scheme, distro)] = found
        return found

    def forget(self) -> None:
        """Drop sorted lists and bound keys (memory stays per batch)."""
        self._sorted.clear()
        self.keys = KeyCache()


def _evaluate(session: Session, groups: _Groups, items: Iterable[Any]) -> Iterator[tuple[int, int]]:
    """(software id, affected id) for every software version inside an item's range."""
    compiled_ranges: dict[tuple[str, str, str], Compiled | None] = {}
    waiting: list[tuple[int, int, Entry]] = []  # source-name matches: unless the binary has its own entry
    # (distro, purl) -> (may the entry name a binary, may its record list binaries)
    publishers: dict[tuple[str, str], tuple[bool, bool]] = {}
    for row in items:
        shape = (row.ecosystem, row.vers_range, row.fixed_version)
        if shape not in compiled_ranges:  # the same fix is often given for several releases
            compiled_ranges[shape] = compile_item(*shape, groups.keys)
        compiled = compiled_ranges[shape]
        if compiled is None:
            continue
        item = item_of(row) if row.ecosystem == "rpm" else None
        stream = item_stream(item) if item is not None else ""
        rpm = row.ecosystem in BINARY_NAMED
        kinds = publishers.get((row.distro, row.purl)) if rpm else (False, False)
        if kinds is None:
            kinds = publishers[(row.distro, row.purl)] = (may_name_binary(row.ecosystem, row.distro, row.purl),
                                                          may_list_binaries(row.ecosystem, row.distro, row.purl))
        names, lists = kinds
        for ecosystem in software_ecosystems_for(row.ecosystem):
            keys, ids, versions = groups.sorted((ecosystem, row.match_name), compiled.scheme, row.distro)
            for index in compiled.select(keys):
                if stream and stream_mismatch(item, versions[index], stream):  # type: ignore[arg-type]
                    continue
                binary = groups.binary.get(ids[index]) if rpm else None
                if binary == row.match_name:  # found by its binary name (rpm_names, rule 1)
                    if not names:
                        continue  # this entry names a source package
                elif binary and lists:  # found by its source name: unless the binary has its own entry (rule 2)
                    waiting.append((ids[index], row.id, (row.advisory_pk, row.distro, binary)))
                    continue
                yield ids[index], row.id
    if waiting:
        own = named_entries(session, (entry for _, _, entry in waiting))
        yield from ((sw_id, affected_id) for sw_id, affected_id, entry in waiting if entry not in own)


def _insert(session: Session, pairs: Iterable[tuple[int, int]]) -> int:
    batch = [{"software_id": s, "affected_id": a} for s, a in set(pairs)]
    for part in chunks(batch, 20_000):
        session.execute(insert(SoftwareMatch), list(part))
    return len(batch)


def match_software(session: Session, software_ids: Sequence[int]) -> int:
    """Match these (new) software rows against every affected item of their identity."""
    count = 0
    for part in chunks(sorted(set(software_ids)), 5_000):
        rows = [r for ids in chunks(part) for r in
                session.execute(select(*SOFTWARE_BINARY_COLUMNS).where(Software.id.in_(ids)))]
        distros = distros_of(session, part)
        groups = _Groups([tuple(r[:4]) for r in rows], distros, binaries_of(rows))
        items = items_of(session, groups.rows, {d for found in distros.values() for d in found})
        for ids in chunks(part):
            session.execute(delete(SoftwareMatch).where(SoftwareMatch.software_id.in_(ids)))
        count += _insert(session, _evaluate(session, groups, sorted(items, key=lambda r: r.match_name)))
    return count


def match_host(session: Session, host_id: int, new_software_ids: Sequence[int],
               linked: Sequence[int] | None = None) -> int:
    """Match what one report brought: its new software rows, and known rows
    this host is the first of its release to have (``evidence.new_to_distro``;
    ``linked``: the host kept its release, only the software the report
    linked can be; None: any of its software)."""
    ids = set(new_software_ids) | set(new_to_distro(session, host_id, linked))
    return match_software(session, sorted(ids)) if ids else 0


def match_affected(session: Session, affected_ids: Sequence[int]) -> set[int]:
    """Re-match these affected items against the software of their identity.
    Returns the software ids whose matches may have changed."""
    touched: set[int] = set()
    # rpm rows by binary name, for entries that may name one: read once for a
    # large import, looked up by name for a small one.
    binaries: dict[str, list[Any]] | None = None
    many = len(set(affected_ids)) > CHUNK
    for part in chunks(sorted(set(affected_ids))):
        items = [row for row in session.execute(select(*ITEM_COLUMNS).where(Affected.id.in_(part)))
                 if row.ecosystem not in OS_BUILDS]
        touched.update(session.scalars(select(SoftwareMatch.software_id).where(SoftwareMatch.affected_id.in_(part))))
        session.execute(delete(SoftwareMatch).where(SoftwareMatch.affected_id.in_(part)))
        identities = sorted({(eco, row.match_name) for row in items for eco in software_ecosystems_for(row.ecosystem)})
        # Binary names matter only to entries whose records may list binaries (rpm_names).
        lists = any(may_list_binaries(row.ecosystem, row.distro, row.purl) for row in items)
        columns = SOFTWARE_BINARY_COLUMNS if lists else SOFTWARE_COLUMNS
        found = {r.id: r for r in by_identity(session, Software, columns, identities)}
        named = {row.match_name for row in items if may_name_binary(row.ecosystem, row.distro, row.purl)}
        if named and (binaries is None or not many):
            binaries = by_binary_name(session, SOFTWARE_BINARY_COLUMNS, None if many else named)
        found.update((r.id, r) for name in named for r in (binaries or {}).get(name, ()))
        rows = list(found.values())
        software = [tuple(r[:4]) for r in rows] if lists else [tuple(r) for r in rows]
        groups = _Groups(software, distros_of(session, list(found)), binaries_of(rows) if lists else None)
        hits = list(_evaluate(session, groups, items))
        _insert(session, hits)
        touched.update(sw_id for sw_id, _ in hits)
    return touched


def match_all(session: Session) -> int:
    """Re-match every software row (after a matcher or product-rule change;
    ``rematch`` decides when). Product identities are recomputed first;
    only pairs that differ are written. Returns the number of matches."""
    from server.matching.unidentified import reidentify

    reidentify(session)
    groups = _Groups((tuple(r) for r in session.execute(select(*SOFTWARE_COLUMNS))), distros_of(session, None),
                     named_binaries(session))
    identities = sorted((eco, name) for eco, name in session.execute(
        select(Affected.ecosystem, Affected.match_name).where(Affected.ecosystem.not_in(OS_BUILDS)).distinct()))
    wanted: set[tuple[int, int]] = set()
    for part in chunks(identities, 2_000):
        items = by_identity(session, Affected, ITEM_COLUMNS, part)
        wanted.update(_evaluate(session, groups, sorted(items, key=lambda r: r.match_name)))
        groups.forget()
    _write_difference(session, wanted)
    return len(wanted)


def _write_difference(session: Session, wanted: set[tuple[int, int]]) -> None:
    """Make ``software_matches`` exactly ``wanted``, leaving unchanged pairs in place."""
    had = {(s, a) for s, a in session.execute(select(SoftwareMatch.software_id, SoftwareMatch.affected_id))}
    pair = tuple_(SoftwareMatch.software_id, SoftwareMatch.affected_id)
    for part in chunks(sorted(had - wanted)):
        session.execute(delete(SoftwareMatch).where(pair.in_(part)))
    _insert(session, wanted - had)
