"""Which machines are behind a listed address, at the time it was listed.

An entry matches a host when the entry's network (CIDR-aware, IPv4 and
IPv6) holds an address the host had while the entry was seen: an address
the server saw its reports come from (a NAT router shared by a commune flags
every host seen behind it then), one of its interfaces, or an egress range
of its unit valid then. Entries without a time use a window around the
list's date. Each hit says how it matched.
"""
from __future__ import annotations

import bisect
import datetime as dt
import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import BotnetEntry, BotnetList, Host, HostAddress, Unit, UnitEgress

# A report dates an address only when it arrives: an entry seen between two
# reports of the same address is still that host's.
SLACK = dt.timedelta(days=1)
Window = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Hit:
    host_id: int
    host: str
    unit: str
    list_name: str
    entry_row: int
    network: str
    seen_at: dt.datetime | None
    family: str
    how: str  # "observed" | "interface" | "egress"
    address: str  # the host's address, or the unit's egress range
    held_from: dt.datetime | None
    held_until: dt.datetime | None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def window(entry: BotnetEntry, listed: BotnetList) -> Window:
    if entry.seen_at is not None:
        return entry.seen_at - SLACK, entry.seen_at + SLACK
    return _midnight(listed.listed_on) - dt.timedelta(days=listed.window_days), _midnight(listed.listed_on) + SLACK


def _overlaps(start: dt.datetime | None, end: dt.datetime | None, span: Window) -> bool:
    return (start is None or start <= span[1]) and (end is None or end >= span[0])


class _AddressIndex:
    """Host addresses sorted by number, per IP version, for range lookups."""

    def __init__(self, rows: Iterable[HostAddress]) -> None:
        by_version: dict[int, list[tuple[int, HostAddress]]] = defaultdict(list)
        for row in rows:
            try:
                address = ipaddress.ip_address(row.address.split("%")[0])
            except ValueError:
                continue
            by_version[address.version].append((int(address), row))
        self.keys = {v: [k for k, _ in sorted(items, key=lambda i: i[0])] for v, items in by_version.items()}
        self.rows = {v: [r for _, r in sorted(items, key=lambda i: i[0])] for v, items in by_version.items()}

    def within(self, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> list[HostAddress]:
        keys = self.keys.get(network.version, [])
        low = bisect.bisect_left(keys, int(network.network_address))
        high = bisect.bisect_right(keys, int(network.broadcast_address))
        return self.rows.get(network.version, [])[low:high]


Match = tuple[Host, str, str, dt.datetime | None, dt.datetime | None]  # host, how, address, held from, until


class _Holdings:
    """Every address and egress range hosts held, ready for range lookups."""

    def __init__(self, session: Session, units: set[int] | None) -> None:
        self.hosts = {h.id: h for h in session.scalars(select(Host)) if units is None or h.unit_id in units}
        self.unit_names = dict(session.execute(select(Unit.id, Unit.name)).all())
        self.index = _AddressIndex(a for a in session.scalars(select(HostAddress)) if a.host_id in self.hosts)
        self.egress = [e for e in session.scalars(select(UnitEgress)) if units is None or e.unit_id in units]
        self.by_unit: dict[int, list[Host]] = defaultdict(list)
        for host in self.hosts.values():
            self.by_unit[host.unit_id].append(host)

    def matches(self, network: ipaddress.IPv4Network | ipaddress.IPv6Network, span: Window) -> Iterable[Match]:
        for row in self.index.within(network):
            if _overlaps(row.first_seen, row.last_seen, span):
                yield self.hosts[row.host_id], row.kind, row.address, row.first_seen, row.last_seen
        for rng in self.egress:
            start = _midnight(rng.valid_from) if rng.valid_from else None
            end = _midnight(rng.valid_until) + dt.timedelta(days=1) if rng.valid_until else None
            if network.overlaps(ipaddress.ip_network(rng.network)) and _overlaps(start, end, span):
                for host in self.by_unit.get(rng.unit_id, []):
                    if host.enrolled_at <= span[1]:
                        yield host, "egress", rng.network, start, end


def hits(session: Session, list_names: Iterable[str] = (), units: set[int] | None = None,
         at: dt.datetime | None = None) -> list[Hit]:
    """Every (host, entry) match of the named lists (all when none named),
    of lists imported by ``at`` when given, for hosts of ``units``."""
    query = select(BotnetEntry, BotnetList).join(BotnetList, BotnetList.id == BotnetEntry.list_id)
    names = list(list_names)
    if names:
        query = query.where(BotnetList.name.in_(names))
    if at is not None:
        query = query.where(BotnetList.imported_at <= at)
    entries = session.execute(query).all()
    if not entries:
        return []
    held = _Holdings(session, units)
    found: dict[tuple[int, int, str], Hit] = {}
    for entry, listed in entries:
        network = ipaddress.ip_network(entry.network, strict=False)
        for host, how, address, start, end in held.matches(network, window(entry, listed)):
            found.setdefault((host.id, entry.id, how), Hit(
                host.id, host.hostname, held.unit_names.get(host.unit_id, ""), listed.name, entry.row,
                entry.network, entry.seen_at, entry.family, how, address, start, end))
    return sorted(found.values(), key=lambda h: (h.unit, h.host, h.list_name, h.entry_row, h.how))


def listed_hosts(session: Session, units: set[int] | None = None, at: dt.datetime | None = None) -> set[int]:
    """Hosts any imported list names (by ``at`` when given)."""
    return {h.host_id for h in hits(session, units=units, at=at)}


def holders(session: Session, address: str, at: dt.datetime | None) -> list[Hit]:
    """Every host that held ``address`` (or an address in that range) around
    ``at`` (at any time when None), and how: ``explain-address``."""
    network = ipaddress.ip_network(address.strip(), strict=False)
    span = (at - SLACK, at + SLACK) if at else (dt.datetime.min.replace(tzinfo=dt.timezone.utc),
                                                 dt.datetime.max.replace(tzinfo=dt.timezone.utc))
    held = _Holdings(session, None)
    found = [Hit(host.id, host.hostname, held.unit_names.get(host.unit_id, ""), "", 0, str(network), at, "", how,
                 held_address, start, end)
             for host, how, held_address, start, end in held.matches(network, span)]
    return sorted(found, key=lambda h: (h.unit, h.host, h.how, h.address))
