"""Per-host findings, derived from software matches and OS builds.

Refreshing writes only the delta: new findings are opened, vanished ones get
``resolved_at``; nothing is deleted, so past weeks can be reported as they
stood. Running it twice changes nothing.

The delta is computed by the database, set-based: one ``UPDATE ... WHERE NOT
EXISTS (wanted)`` resolves, one ``INSERT ... SELECT wanted WHERE NOT EXISTS
(open)`` opens, joining ``software_matches`` to ``host_software`` (hosts
inherit what their distinct software rows match). Windows builds are
decided once per distinct build in ``os_findings``. Host and affected-item
scopes are bound in chunks to stay under parameter limits.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, exists, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from server import ecosystems
from server.db.models import (Advisory, Affected, AdvisoryCve, Finding, Host, HostSoftware, Software, SoftwareMatch,
                              UtcDateTime)
from server.distros import distro_applies
from server.db.batches import chunks
from server.matching.delta import CHUNK, COLUMNS, Delta, hides_open, open_condition, scoped, still_open
from server.matching.os_findings import os_delta

def stream_applies(software_id):  # type: ignore[no-untyped-def]
    """SQL twin of ``server.matching.decide.stream_verdict``: whether the
    matched pair of ``Affected`` and ``software_id`` speaks for ``Host``. A
    host at a minor release some sibling item names (same package, same
    advisory or one of its source sharing a CVE: ``lookup.stream_siblings``)
    is decided by
    that stream's item, fixed as well by mainline's fix; hosts without a
    minor release skip both checks."""
    sibling, match = aliased(Affected), aliased(SoftwareMatch)
    mine, theirs = aliased(AdvisoryCve), aliased(AdvisoryCve)
    own, other = aliased(Advisory), aliased(Advisory)
    shares_cve = exists().where(mine.advisory_pk == Affected.advisory_pk, theirs.advisory_pk == sibling.advisory_pk,
                                theirs.cve == mine.cve, own.id == Affected.advisory_pk,
                                other.id == sibling.advisory_pk, other.source == own.source
                                ).correlate_except(mine, theirs, own, other)
    same = and_(sibling.ecosystem == Affected.ecosystem, sibling.match_name == Affected.match_name,
                sibling.id != Affected.id, or_(sibling.advisory_pk == Affected.advisory_pk, shares_cve))
    # NOTE: correlated explicitly: auto-correlation reaches only the
    # enclosing SELECT, and the software id is two levels up.
    stream_sibling = exists().where(same, sibling.distro == Host.release).correlate_except(sibling)
    fixed_by_mainline = exists().where(same, sibling.distro == Host.distro, ~exists().where(
        match.software_id == software_id, match.affected_id == sibling.id).correlate_except(match)
    ).correlate_except(sibling)
    return or_(Host.release == "",
               and_(Affected.distro == Host.release, ~fixed_by_mainline),
               and_(Affected.distro == Host.distro, ~stream_sibling),
               Affected.distro.not_in([Host.release, Host.distro]))


# Up to this many hosts, a refresh looks up each open finding's pair (see
# ``_software_statements``); a report's refresh has one host.
FEW_HOSTS = 8
# Bound at execution: the statements below are built once per scope shape
# (building them costs more than running them for one host).
HOSTS = bindparam("hosts", expanding=True)
AFFECTED = bindparam("affected", expanding=True)
NOW = bindparam("now", type_=UtcDateTime())


def _software_delta(session: Session, hosts: Sequence[int] | None, affected: Sequence[int] | None,
                    now: dt.datetime) -> Delta:
    materialized = session.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35)
    few = hosts is not None and len(hosts) <= FEW_HOSTS
    resolve, open_ = _software_statements(hosts is not None, affected is not None, materialized,
                                          hides_open(session, affected is not None), few)
    params = {"now": now, "hosts": list(hosts or ()), "affected": list(affected or ())}
    resolved = session.execute(resolve, params).rowcount or 0
    opened = session.execute(open_, params, execution_options={"preserve_rowcount": True}).rowcount
    return Delta(opened, resolved)


@lru_cache(maxsize=8)
def _software_statements(by_host: bool, by_affected: bool, materialized: bool,  # type: ignore[no-untyped-def]
                         hides_open: bool, few_hosts: bool = False):
    """(resolve, open) for a scope: hosts and items bound as ``hosts`` and
    ``affected`` when ``by_host`` / ``by_affected``, the time as ``now``;
    ``hides_open``: see ``delta.hides_open``; ``few_hosts``: at most
    ``FEW_HOSTS`` hosts are bound."""
    hosts, affected = (HOSTS if by_host else None), (AFFECTED if by_affected else None)
    sm, hs = SoftwareMatch, HostSoftware
    wanted_pair = (
        select(literal(1))
        .select_from(sm)
        .join(hs, hs.software_id == sm.software_id)
        .join(Host, Host.id == hs.host_id)
        .join(Affected, Affected.id == sm.affected_id)
        .where(sm.software_id == Finding.software_id, sm.affected_id == Finding.affected_id,
               hs.host_id == Finding.host_id, distro_applies(Affected.distro, Host.distro, Host.release),
               stream_applies(sm.software_id))
    )
    # NOTE: for a few hosts, a scalar subquery with LIMIT 1, not NOT EXISTS:
    # PostgreSQL turns NOT EXISTS into an anti-join that hashes every
    # affected item (271,519 rows, 150 ms at 10,000 hosts) to check one
    # host's 66 open findings; this form looks each finding's pair up by
    # its keys. Hundreds of hosts at once keep the anti-join, cheaper there
    # than a hundred thousand look-ups.
    gone = wanted_pair.limit(1).scalar_subquery().is_(None) if few_hosts else ~wanted_pair.exists()
    resolve = scoped(update(Finding), Finding.host_id, Finding.affected_id, hosts, affected).where(
        open_condition(hides_open), Finding.software_id != 0, gone
    ).values(resolved_at=NOW)

    # NOTE: host_software x software_matches first, materialised: left to
    # itself (no ANALYZE) SQLite walks all host_software rows and looks up
    # hosts and software for each before probing software_matches.
    pairs = scoped(select(hs.host_id, hs.software_id, sm.affected_id).join(sm, sm.software_id == hs.software_id),
                    hs.host_id, sm.affected_id, hosts, affected).cte("pairs", nesting=True)
    if materialized:
        pairs = pairs.prefix_with("MATERIALIZED")
    open_finding = aliased(Finding)
    matcher = case(ecosystems.SCHEMES, value=Affected.ecosystem, else_="generic")
    wanted = (
        select(pairs.c.host_id, pairs.c.affected_id, pairs.c.software_id, Affected.advisory_pk, matcher,
               # The name the item matched on: the software's match name, or
               # for an rpm entry named after a binary that binary's (rpm_names).
               Affected.ecosystem + literal(" ") + Affected.match_name, Software.version,
               Affected.fixed_version, NOW)
        .select_from(pairs)
        .join(Affected, Affected.id == pairs.c.affected_id)
        .join(Host, Host.id == pairs.c.host_id)
        .join(Software, Software.id == pairs.c.software_id)
        .where(distro_applies(Affected.distro, Host.distro, Host.release), stream_applies(pairs.c.software_id))
        .where(~exists().where(open_finding.host_id == pairs.c.host_id,
                               open_finding.affected_id == pairs.c.affected_id,
                               open_finding.software_id == pairs.c.software_id, open_finding.resolved_at.is_(None)))
    ).subquery()  # keeps the WITH inside the INSERT: sqlite3 counts rows only for statements starting so
    # Ordered so finding ids (listing tie-breakers) follow host, item, software.
    ordered = select(*wanted.c).order_by(wanted.c.host_id, wanted.c.affected_id, wanted.c.software_id)
    return resolve, insert(Finding.__table__).from_select(COLUMNS, ordered)


def refresh_findings(session: Session, host_ids: Sequence[int] | None, now: dt.datetime,
                     affected_ids: Sequence[int] | None = None) -> Delta:
    """Bring the open findings of these hosts (all hosts when None) in line with
    the current matches. ``affected_ids`` narrows the refresh to those affected
    items (a feed import changed only them); None means every item."""
    host_parts: list[Sequence[int] | None] = (
        [None] if host_ids is None else list(chunks(sorted(set(host_ids)), CHUNK))
    )
    affected_parts: list[Sequence[int] | None] = (
        [None] if affected_ids is None else list(chunks(sorted(set(affected_ids)), CHUNK))
    )
    deltas = [_software_delta(session, hosts, affected, now) for hosts in host_parts for affected in affected_parts]
    deltas.append(os_delta(session, host_ids, affected_ids, now))
    return Delta(sum(d.opened for d in deltas), sum(d.resolved for d in deltas))


def retire_affected(session: Session, affected_ids: Sequence[int], now: dt.datetime) -> int:
    """Resolve the open findings of affected items about to be deleted (an
    advisory revision dropped them, or it was withdrawn)."""
    count = 0
    for part in chunks(sorted(affected_ids), CHUNK):
        result = session.execute(
            update(Finding)
            .where(Finding.affected_id.in_(part), still_open(session, True))
            .values(resolved_at=now)
        )
        count += result.rowcount or 0
    return count

