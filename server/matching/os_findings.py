"""Windows OS findings: each distinct build is decided once, hosts inherit.

``decide.windows_os_verdict(item, build, kbs)`` has two parts. Whether the
build (with its UBR) is below the fixed build depends on the build only, so
it is decided once per distinct build in the fleet (a few hundred, not one
per host). Whether one of the fixing KBs is installed depends on the host:
the database checks it with an anti-join on ``host_patches``. The decided
(build, item) pairs and the items' KBs go into two temporary tables for the
set-based delta, dropped at the end.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, exists, insert, literal, select, update
from sqlalchemy.orm import Session, aliased

from server.db.models import Affected, Finding, Host, HostPatch, UtcDateTime
from server.ecosystems import WINDOWS_OS
from server.db.batches import chunks
from server.matching.decide import FIXED_BUILD, KB_ONLY, KB_WITHOUT_UBR, Item, arch_applies, build_family, build_step
from server.matching.delta import CHUNK, COLUMNS, Delta, scoped, still_open
from server.matching.engine import item_of
from server.matching.ranges import Compiled, compile_item
from server.versions.cache import KeyCache

_ITEM_COLUMNS = (Affected.id, Affected.advisory_pk, Affected.ecosystem, Affected.product, Affected.distro,
                 Affected.vers_range, Affected.fixed_version, Affected.fixed_kbs, Affected.needs_review)


def build_matcher(item: Item, compiled: Compiled | None, build: str, keys: KeyCache) -> str | None:
    """``windows_os_verdict`` on a host with no fixing KB: the matcher when the
    build is affected, else None. The rule that speaks is ``decide.build_step``'s;
    the fixed build is compared on keys, as the engine compares packages."""
    step = build_step(item, build)
    if step == FIXED_BUILD:
        key = keys.key(compiled.scheme, build) if compiled is not None else None
        return WINDOWS_OS if key is not None and compiled.contains(key) else None  # type: ignore[union-attr]
    return "windows-kb" if step in (KB_WITHOUT_UBR, KB_ONLY) else None


def _tables() -> tuple[Table, Table]:
    metadata = MetaData()
    wanted = Table("tmp_os_wanted", metadata, Column("build", String(128)), Column("arch", String(64)),
                   Column("affected_id", Integer),
                   Column("advisory_pk", Integer), Column("matcher", String(32)), Column("matched_on", Text),
                   Column("fixed_version", String(255)), Index("tmp_ix_os_wanted", "build", "affected_id"),
                   prefixes=["TEMPORARY"])
    kbs = Table("tmp_os_kbs", metadata, Column("affected_id", Integer), Column("kb", String(64)),
                Index("tmp_ix_os_kbs", "affected_id", "kb"), prefixes=["TEMPORARY"])
    return wanted, kbs


def _decide(items: Sequence[Any], builds: set[tuple[str, str]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Decide each distinct (build, architecture) of the fleet against each item."""
    by_family: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for build, arch in builds:
        by_family[build_family(build)].append((build, arch))
    keys, rows, kbs = KeyCache(), [], []
    for row in items:
        item = item_of(row)
        kbs.extend({"affected_id": row.id, "kb": kb.upper()} for kb in dict.fromkeys(item.fixed_kbs))
        compiled = compile_item(row.ecosystem, row.vers_range, row.fixed_version, keys)
        fixed = row.fixed_version or ", ".join(item.fixed_kbs)
        for build, arch in by_family.get(row.product, ()):
            if not arch_applies(row.distro, arch):
                continue
            matcher = build_matcher(item, compiled, build, keys)
            if matcher:
                rows.append({"build": build, "arch": arch, "affected_id": row.id, "advisory_pk": row.advisory_pk,
                             "matcher": matcher, "matched_on": f"build family {row.product}", "fixed_version": fixed})
    return rows, kbs


def os_delta(session: Session, host_ids: Sequence[int] | None, affected_ids: Sequence[int] | None,
             now: dt.datetime) -> Delta:
    """Open and resolve the OS findings of these hosts (None: all) for these
    ``windows-os`` items (None: all)."""
    host_parts = [None] if host_ids is None else list(chunks(sorted(set(host_ids)), CHUNK))
    affected_parts = [None] if affected_ids is None else list(chunks(sorted(set(affected_ids)), CHUNK))
    builds: set[tuple[str, str]] = set()
    for hosts in host_parts:
        query = select(Host.os_build, Host.os_arch).where(Host.platform == "windows").distinct()
        builds.update(tuple(row) for row in session.execute(query if hosts is None else query.where(Host.id.in_(hosts))))
    items: list[Any] = []
    families = sorted({build_family(build) for build, _ in builds})
    for affected in affected_parts if builds else ():
        query = select(*_ITEM_COLUMNS).where(Affected.ecosystem == WINDOWS_OS, Affected.product.in_(families))
        items.extend(session.execute(query if affected is None else query.where(Affected.id.in_(affected))))
    if not builds or not items:
        # Nothing can be wanted: every open OS finding in scope is resolved.
        resolved = sum(
            session.execute(scoped(update(Finding), Finding.host_id, Finding.affected_id, hosts, affected)
                            .where(still_open(session, affected is not None), Finding.software_id == 0)
                            .values(resolved_at=now)).rowcount or 0
            for hosts in host_parts for affected in affected_parts
        )
        return Delta(0, resolved)
    wanted, kbs = _tables()
    connection = session.connection()
    wanted.create(connection)
    kbs.create(connection)
    try:
        rows, kb_rows = _decide(items, builds)
        for part in chunks(rows, 20_000):
            session.execute(insert(wanted), list(part))
        for part in chunks(kb_rows, 20_000):
            session.execute(insert(kbs), list(part))
        opened = resolved = 0
        for hosts in host_parts:
            for affected in affected_parts:
                delta = _delta(session, wanted, kbs, hosts, affected, now)
                opened, resolved = opened + delta.opened, resolved + delta.resolved
        return Delta(opened, resolved)
    finally:
        kbs.drop(connection)
        wanted.drop(connection)


def _delta(session: Session, wanted: Table, kbs: Table, hosts: Sequence[int] | None,
           affected: Sequence[int] | None, now: dt.datetime) -> Delta:
    def kb_installed(affected_id, host_id):  # type: ignore[no-untyped-def]
        return (select(literal(1)).select_from(kbs).join(HostPatch, HostPatch.hotfix_id == kbs.c.kb)
                .where(kbs.c.affected_id == affected_id, HostPatch.host_id == host_id)
                # NOTE: correlate the finding or host to the enclosing statement; left
                # to itself SQLAlchemy adds `findings` to this FROM, and one host's KB
                # would then count for every host.
                .correlate_except(kbs, HostPatch).exists())

    still_wanted = (
        select(literal(1)).select_from(Host).join(wanted, (wanted.c.build == Host.os_build) & (wanted.c.arch == Host.os_arch))
        .where(Host.id == Finding.host_id, Host.platform == "windows", wanted.c.affected_id == Finding.affected_id,
               ~kb_installed(Finding.affected_id, Finding.host_id))
        .exists()
    )
    resolve = scoped(update(Finding), Finding.host_id, Finding.affected_id, hosts, affected).where(
        still_open(session, affected is not None), Finding.software_id == 0, ~still_wanted
    )
    resolved = session.execute(resolve.values(resolved_at=now)).rowcount or 0
    open_finding = aliased(Finding)
    new = (
        select(Host.id, wanted.c.affected_id, literal(0), wanted.c.advisory_pk, wanted.c.matcher,
               wanted.c.matched_on, Host.os_build, wanted.c.fixed_version, literal(now, UtcDateTime()))
        .select_from(Host).join(wanted, (wanted.c.build == Host.os_build) & (wanted.c.arch == Host.os_arch))
        .where(Host.platform == "windows", ~kb_installed(wanted.c.affected_id, Host.id))
        .where(~exists().where(open_finding.host_id == Host.id, open_finding.affected_id == wanted.c.affected_id,
                               open_finding.software_id == 0, open_finding.resolved_at.is_(None)))
    )
    new = scoped(new, Host.id, wanted.c.affected_id, hosts, affected).order_by(Host.id, wanted.c.affected_id)
    opened = session.execute(insert(Finding).from_select(COLUMNS, new),
                             execution_options={"preserve_rowcount": True}).rowcount
    return Delta(opened, resolved)
