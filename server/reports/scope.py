"""Who a report is about: the units asked for (each with its subtree), their
hosts as they stood at the end of the week, and who reported when. Every
section reads these facts; none re-derives them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db.models import Host, HostReportDay
from server.inventory.units import UnitTree
from server.reports.model import Period


@dataclass(frozen=True)
class HostFact:
    id: int
    hostname: str
    unit_id: int
    os: str
    build: str
    platform: str
    version: str
    distro: str
    enrolled_at: dt.datetime


@dataclass
class Scope:
    tree: UnitTree
    tops: list[int]  # the units the report starts from
    unit_ids: set[int]  # every unit in the report
    hosts: dict[int, HostFact]  # enrolled before the end of the week

    def unit_name(self, unit_id: int) -> str:
        return self.tree.nodes[unit_id].name

    _subtrees: dict[int, frozenset[int]] = field(default_factory=dict)

    def host_units(self, unit_id: int) -> frozenset[int]:
        """Hosts of ``unit_id`` and every unit under it (worked out once for
        the whole tree: every section asks for every unit)."""
        if not self._subtrees:
            own: dict[int, set[int]] = {}
            for host in self.hosts.values():
                own.setdefault(host.unit_id, set()).add(host.id)

            def gather(unit: int) -> frozenset[int]:
                found = set(own.get(unit, ()))
                for child in self.tree.children.get(unit, ()):
                    found |= gather(child)
                self._subtrees[unit] = frozenset(found)
                return self._subtrees[unit]

            for root in self.tree.children.get(None, ()):
                gather(root)
        return self._subtrees.get(unit_id, frozenset())


def load_scope(session: Session, unit_names: list[str], period: Period) -> Scope:
    tree = UnitTree.load(session)
    tops = tree.top(unit_names)
    unit_ids = set().union(*(tree.subtree(u) for u in tops)) if tops else set()
    query = select(Host.id, Host.hostname, Host.unit_id, Host.os_name, Host.os_version, Host.os_build, Host.platform,
                   Host.distro, Host.enrolled_at).where(Host.enrolled_at < period.end)
    if unit_names:
        query = query.where(Host.unit_id.in_(sorted(unit_ids)))
    hosts = {
        h.id: HostFact(h.id, h.hostname, h.unit_id, f"{h.os_name} {h.os_version}".strip(), h.os_build, h.platform,
                       h.os_version, h.distro, h.enrolled_at)
        for h in session.execute(query)
    }
    return Scope(tree, tops, unit_ids, hosts)


def host_filter(scope: Scope, unit_names: list[str]):  # type: ignore[no-untyped-def]
    """The report's hosts as a subquery for SQL that adds up per host, or
    None for all units (then no filter is needed)."""
    if not unit_names:
        return None
    return select(Host.id).where(Host.unit_id.in_(sorted(scope.unit_ids)))


def last_report_days(session: Session, scope: Scope, before: dt.datetime) -> dict[int, dt.date]:
    """Each host's last day with a report before ``before`` (one index look-up per host)."""
    last = (select(func.max(HostReportDay.day))
            .where(HostReportDay.host_id == Host.id, HostReportDay.day < before.date()).scalar_subquery())
    rows = session.execute(select(Host.id, last).where(Host.enrolled_at < before))
    return {host_id: day for host_id, day in rows if host_id in scope.hosts and day is not None}
