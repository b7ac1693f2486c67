"""Which remote addresses of a triage snapshot are on an imported botnet list.

Entries are networks. An address is looked up once per prefix length the
lists use (a few, at most 33 for IPv4 and 129 for IPv6), each a dict lookup,
so hundreds of rows against lists of thousands of entries stay instant.
"""
from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import BotnetEntry, BotnetList

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
# The columns that name the other end of a connection (osquery's and native's).
REMOTE_COLUMNS = frozenset({"remote_address"})


@dataclass(frozen=True)
class Listing:
    list_name: str
    row: int
    network: str
    family: str


def as_address(text: str) -> IP | None:
    """``text`` as an address: ``[::1]``, a zone (``fe80::1%eth0``) and the
    IPv4-mapped form (``::ffff:203.0.113.7``) understood; None when it is none."""
    cleaned = text.strip().strip("[]").split("%")[0]
    try:
        address = ipaddress.ip_address(cleaned)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class ListedNetworks:
    """The entries of every imported list, by (IP version, prefix length)."""

    def __init__(self, entries: Iterable[tuple[str, Listing]]) -> None:
        self._by_prefix: dict[tuple[int, int], dict[int, list[Listing]]] = defaultdict(lambda: defaultdict(list))
        for network_text, listing in entries:
            network = ipaddress.ip_network(network_text, strict=False)
            self._by_prefix[(network.version, network.prefixlen)][int(network.network_address)].append(listing)

    @classmethod
    def load(cls, session: Session) -> ListedNetworks:
        rows = session.execute(
            select(BotnetEntry.network, BotnetEntry.row, BotnetEntry.family, BotnetList.name)
            .join(BotnetList, BotnetList.id == BotnetEntry.list_id)
            .order_by(BotnetList.name, BotnetEntry.row)
        )
        return cls((network, Listing(name, row, network, family)) for network, row, family, name in rows)

    def find(self, text: str) -> list[Listing]:
        """The entries whose network holds the address ``text`` (none when it is no address)."""
        address = as_address(text)
        if address is None:
            return []
        width = address.max_prefixlen
        found: list[Listing] = []
        for (version, prefix), networks in self._by_prefix.items():
            if version == address.version:
                key = int(address) >> (width - prefix) << (width - prefix)
                found.extend(networks.get(key, ()))
        return found
