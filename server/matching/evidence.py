"""Which distros each software row is installed on, so distro items are only
matched where a host can inherit the match.

A distro advisory item (``debian:12``) concerns a software row only if some
host of that release has it. Without this, every ``debian:12`` fix sorts
above every ``debian:11`` or Ubuntu version of the same source package and
``software_matches`` fills with pairs no host can ever inherit, which every
refresh then joins to all their hosts and throws away.

# NOTE: the matches of a software row are therefore valid for the distros of
# its hosts at match time. When a report links an existing row to a host of a
# new distro, :func:`new_to_distro` finds it and the caller re-matches it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from server.db.batches import chunks
from server.db.models import Host, HostSoftware
from server.distros import applies_to

CHUNK = 500


def distros_of(session: Session, software_ids: Sequence[int] | None) -> dict[int, frozenset[str]]:
    """software id -> distros of the hosts that have it (all rows when None)."""
    found: dict[int, set[str]] = defaultdict(set)
    if software_ids is None:
        # One index range per distro (host_software's key starts with host_id).
        # Hosts without a distro (Windows, macOS) never meet a distro item.
        # Minor releases ("rhel:9.2") too: items of minor-release streams name them.
        for column in (Host.distro, Host.release):
            for distro in session.scalars(select(column).where(column != "").distinct()):
                query = (select(HostSoftware.software_id).join(Host, Host.id == HostSoftware.host_id)
                         .where(column == distro).distinct())
                for sw_id in session.scalars(query):
                    found[sw_id].add(distro)
    else:
        ids = sorted(set(software_ids))
        for start in range(0, len(ids), CHUNK):
            query = (select(HostSoftware.software_id, Host.distro, Host.release)
                     .join(Host, Host.id == HostSoftware.host_id)
                     .where(HostSoftware.software_id.in_(ids[start : start + CHUNK])).distinct())
            for sw_id, distro, release in session.execute(query):
                found[sw_id].add(distro)
                if release:
                    found[sw_id].add(release)
    interned: dict[frozenset[str], frozenset[str]] = {}
    return {sw_id: interned.setdefault(frozenset(d), frozenset(d)) for sw_id, d in found.items()}


def applies(item_distro: str, distros: Iterable[str]) -> bool:
    """Whether an item for ``item_distro`` ("" = any) concerns any of these distros."""
    return not item_distro or any(applies_to(item_distro, distro) for distro in distros)


# Hosts of the same release whose software is set aside before probing:
# machines of one release in one office mostly share their packages.
SIBLINGS = 3


def new_to_distro(session: Session, host_id: int, only: Sequence[int] | None = None) -> list[int]:
    """Software of this host that no other host of the same distro and minor
    release has: its matches may predate it. ``only``: just these software
    rows (those a report linked to a host that kept its release: the others
    were looked at when they came)."""
    if only is not None and not only:
        return []
    distro, release = session.execute(select(Host.distro, Host.release).where(Host.id == host_id)).one()
    if not distro:
        return []
    other, other_host, sibling = aliased(HostSoftware), aliased(Host), aliased(HostSoftware)
    # NOTE: a scalar subquery with LIMIT 1, not NOT EXISTS: PostgreSQL
    # turns NOT EXISTS into a hash anti-join over all of host_software;
    # this form probes the software_id index and stops at the first host.
    another = (
        select(other.host_id)
        .join(other_host, other_host.id == other.host_id)
        .where(other.software_id == HostSoftware.software_id, other.host_id != host_id,
               other_host.distro == distro, other_host.release == release)
        .limit(1)
        .scalar_subquery()
    )
    query = select(HostSoftware.software_id).where(HostSoftware.host_id == host_id)
    siblings = session.scalars(select(Host.id).where(Host.distro == distro, Host.release == release,
                                                     Host.id != host_id).limit(SIBLINGS)).all()
    if siblings:
        # What a sibling has is not new to the release: only the rest is
        # probed (a new host's 1,500 links would each be otherwise).
        query = query.where(~exists().where(sibling.host_id.in_(siblings),
                                            sibling.software_id == HostSoftware.software_id))
    query = query.where(another.is_(None))
    if only is None:
        return sorted(set(session.scalars(query)))
    ids: set[int] = set()
    for rows in chunks(sorted(set(only))):
        ids.update(session.scalars(query.where(HostSoftware.software_id.in_(rows))))
    return sorted(ids)
