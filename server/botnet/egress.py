"""A unit's egress ranges: the public addresses its machines reach the
outside from (the NAT router), each valid for a period. A server inside the
unit's own LAN only ever sees private addresses; these say which public
address a botnet list means."""
from __future__ import annotations

import datetime as dt
import ipaddress

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import UnitEgress
from server.errors import InvalidInput, NotFound
from server.inventory.units import UnitTree


def normalise(cidr: str) -> str:
    try:
        return str(ipaddress.ip_network(cidr.strip(), strict=False))
    except ValueError:
        raise InvalidInput.of("not_a_network", text=cidr) from None


def add(session: Session, unit: str, cidr: str, valid_from: dt.date | None, valid_until: dt.date | None,
        note: str = "") -> UnitEgress:
    unit_id = UnitTree.load(session).find(unit)
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput.of("egress_period", start=valid_from.isoformat(), end=valid_until.isoformat())
    row = UnitEgress(unit_id=unit_id, network=normalise(cidr), valid_from=valid_from, valid_until=valid_until,
                     note=note.strip()[:255])
    session.add(row)
    session.flush()
    return row


def listing(session: Session, units: set[int] | None = None) -> list[UnitEgress]:
    query = select(UnitEgress).order_by(UnitEgress.unit_id, UnitEgress.network, UnitEgress.valid_from)
    if units is not None:
        query = query.where(UnitEgress.unit_id.in_(sorted(units)))
    return list(session.scalars(query))


def remove(session: Session, egress_id: int) -> UnitEgress:
    row = session.get(UnitEgress, egress_id)
    if row is None:
        raise NotFound.of("no_egress", id=egress_id)
    session.delete(row)
    return row
