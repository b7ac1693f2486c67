"""Store one report: host, distinct software, the host's software diff,
patches and addresses. The caller owns the transaction (one per report), so
a report is stored whole or not at all. Sending the same report twice
changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import String, any_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from collector import limits, wire
from server.db.batches import chunks
from server.db.bulk import insert_rows
from server.db.models import Host, HostAddress, HostPatch, HostReportBase, HostReportDay, HostSoftware, Software
from server.db.upsert import insert_or_skip
from server.distros import distro_of, release_of
from server.errors import InvalidInput
from server.matching.identity import match_name

# HostAddress.kind: an address of one of the host's interfaces, as the
# collector reports it; or the address the server saw its report come from.
INTERFACE, OBSERVED = "interface", "observed"
# The header of a host's last applied report (HostReportBase) keeps the
# digest of the software set that report left, so that the next report with
# the same set skips looking up, adding and removing its software.
SOFTWARE_DIGEST = "software_digest"


@dataclass(frozen=True)
class IngestResult:
    host_id: int
    software_added: int
    software_removed: int
    new_software_ids: tuple[int, ...]
    stale: bool = False
    linked_ids: tuple[int, ...] = ()  # software this report linked to the host
    software_digest: str = ""  # of the software set the report left; "" when stale


def software_key(item: wire.Software) -> str:
    identity = "\x1f".join(wire.software_identity(item))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def software_digest(keys: Iterable[str]) -> str:
    """One value for a set of software keys."""
    return hashlib.sha256("\n".join(sorted(keys)).encode("ascii")).hexdigest()


def parse_collected_at(value: str) -> dt.datetime:
    """The report's date in UTC (naive means UTC); InvalidInput when it is none."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise InvalidInput(f"collected_at {value!r} is not a usable ISO 8601 date and time") from None


def ingest_report(session: Session, host: Host, report: wire.Report, now: dt.datetime,
                  observed: str = "") -> IngestResult:
    """Apply ``report`` to ``host``. A report older than the newest one already
    applied (a spooled report arriving late) only adds address history.
    ``observed`` is the address the server saw the report come from (a NAT
    router's public address, for PCs behind one): kept as history too."""
    collected = parse_collected_at(report.collected_at)
    newest = host.last_collected_at
    # NOTE: servers before the future-date check stored dates such as
    # 9999-01-01, after which every real report looked stale; such a date
    # no longer holds a host back.
    if newest is not None and newest > now + limits.MAX_FUTURE_SKEW:
        newest = None
    stale = newest is not None and collected < newest
    host.last_report_at = now
    session.execute(insert_or_skip(session, HostReportDay, ["host_id", "day"]), [{"host_id": host.id, "day": now.date()}])
    interfaces = {(a.address, a.interface): a.mac for a in report.addresses if a.address}
    _record_addresses(session, host.id, interfaces, INTERFACE, collected)
    if observed:
        _record_addresses(session, host.id, {(observed, ""): ""}, OBSERVED, now)
    if stale:
        return IngestResult(host.id, 0, 0, (), stale=True)

    _update_host(host, report, collected)
    by_key = {software_key(item): item for item in report.software}
    digest = software_digest(by_key)
    if digest == _last_digest(session, host.id):
        # The same software set as the host's last applied report, which
        # left exactly that set: nothing to look up, add or remove.
        added, removed, new_ids = [], 0, []
    else:
        linked = _linked_software(session, host.id)
        software_ids, new_ids = _distinct_software(session, by_key, linked)
        added, removed = _replace_host_software(session, host.id, software_ids, set(linked.values()), now)
    _replace_patches(session, host.id, report.patches, now)
    session.flush()
    return IngestResult(host.id, len(added), removed, tuple(new_ids), software_digest=digest, linked_ids=tuple(added))


def _last_digest(session: Session, host_id: int) -> str:
    base = session.get(HostReportBase, host_id)
    return str(base.header.get(SOFTWARE_DIGEST) or "") if base else ""


def _update_host(host: Host, report: wire.Report, collected: dt.datetime) -> None:
    os = report.os
    host.hostname = report.host.hostname or host.hostname
    host.platform = os.platform
    host.platform_like = os.platform_like
    host.os_name = os.name
    host.os_version = os.version
    host.os_build = os.build
    host.os_arch = os.arch
    host.os_codename = os.codename
    host.distro = distro_of(os)
    host.release = release_of(os)
    host.hardware = " ".join(p for p in (report.host.hardware_vendor, report.host.hardware_model) if p)
    host.collector_version = report.collector.version
    host.collector_source = report.collector.source
    host.last_collected_at = collected


def _linked_software(session: Session, host_id: int) -> dict[str, int]:
    """The host's software rows, id by key (the caller holds the host's row
    lock, so they cannot change meanwhile)."""
    linked = (select(Software.key, Software.id).join(HostSoftware, HostSoftware.software_id == Software.id)
              .where(HostSoftware.host_id == host_id))
    return {key: sw_id for key, sw_id in session.execute(linked)}


def _distinct_software(session: Session, by_key: dict[str, wire.Software],
                       linked: dict[str, int]) -> tuple[set[int], list[int]]:
    """Ids of the distinct software rows for ``by_key`` (items by their
    software key), creating missing ones. Only keys the host is not linked
    to yet (``linked``) are looked up: a report changes a few of ~1,500.

    Another report may create the same row at the same moment: the insert
    skips rows that exist by then (``ON CONFLICT DO NOTHING``; on PostgreSQL
    it waits for the other transaction), in key order so two such inserts
    never deadlock. Rows this report did not create are not "new" to it."""
    ids = {key: linked[key] for key in by_key if key in linked}
    keys = sorted(key for key in by_key if key not in linked)
    ids.update(_software_ids(session, keys) if keys else {})
    missing = [key for key in keys if key not in ids]
    if not missing:
        return set(ids.values()), []
    rows = [_software_row(key, by_key[key]) for key in missing]
    statement = insert_or_skip(session, Software, ["key"])
    created: list[int] = []
    for part in chunks(rows):
        created.extend(session.scalars(statement.returning(Software.id), part))
    ids.update(_software_ids(session, missing))
    return set(ids.values()), sorted(created)


def _software_ids(session: Session, keys: Sequence[str]) -> dict[str, int]:
    # One parameter holding every key instead of IN lists of 500: a statement
    # with 500 parameters costs more to build and bind than to run. Both
    # plans probe the unique key index once per key.
    if session.get_bind().dialect.name == "postgresql":
        wanted = bindparam("keys", list(keys), type_=ARRAY(String))
        found = select(Software.key, Software.id).where(Software.key == any_(wanted))
    else:
        listed = func.json_each(bindparam("keys", json.dumps(list(keys)))).table_valued("value")
        found = select(Software.key, Software.id).where(Software.key.in_(select(listed.c.value)))
    return {key: sw_id for key, sw_id in session.execute(found)}


def _software_row(key: str, item: wire.Software) -> dict[str, str]:
    name = match_name(item.ecosystem, item.name, item.source_package)
    if len(name) > limits.SOFTWARE_NAME:
        # Case folding can lengthen a name (one "İ" lowers to two characters).
        raise InvalidInput(f"software {item.name[:80]!r}: its normalised name exceeds {limits.SOFTWARE_NAME} characters")
    return {
        "key": key, "ecosystem": item.ecosystem, "name": item.name, "version": item.version, "arch": item.arch,
        "vendor": item.vendor, "source_package": item.source_package, "release": item.release, "match_name": name,
    }


def _replace_host_software(session: Session, host_id: int, wanted: set[int], current: set[int],
                           now: dt.datetime) -> tuple[list[int], int]:
    """(software ids linked, number unlinked)."""
    added = sorted(wanted - current)
    removed = sorted(current - wanted)
    for part in chunks(removed):
        session.execute(
            delete(HostSoftware).where(HostSoftware.host_id == host_id, HostSoftware.software_id.in_(part))
        )
    # A new host brings ~1,500 links at once: the driver's bulk path writes them.
    insert_rows(session, HostSoftware.__table__, ("host_id", "software_id", "first_seen"),
                ((host_id, sw_id, now) for sw_id in added))
    return added, len(removed)


def _replace_patches(session: Session, host_id: int, patches: Sequence[wire.Patch], now: dt.datetime) -> None:
    reported = {wire.hotfix_identity(p): p for p in patches if wire.hotfix_identity(p)}
    too_long = next((kb for kb in reported if len(kb) > limits.HOTFIX_ID), None)
    if too_long is not None:
        raise InvalidInput(f"hotfix {too_long[:80]!r}: upper-cased it exceeds {limits.HOTFIX_ID} characters")
    current = set(session.scalars(select(HostPatch.hotfix_id).where(HostPatch.host_id == host_id)))
    gone = sorted(current - set(reported))
    for part in chunks(gone):
        session.execute(delete(HostPatch).where(HostPatch.host_id == host_id, HostPatch.hotfix_id.in_(part)))
    if current & set(reported):
        session.execute(
            update(HostPatch)
            .where(HostPatch.host_id == host_id, HostPatch.hotfix_id.in_(sorted(current & set(reported))))
            .values(last_seen=now)
        )
    new = [kb for kb in reported if kb not in current]
    if new:
        session.execute(
            insert(HostPatch),
            [
                {
                    "host_id": host_id,
                    "hotfix_id": kb,
                    "installed_on": reported[kb].installed_on,
                    "description": reported[kb].description,
                    "first_seen": now,
                    "last_seen": now,
                }
                for kb in new
            ],
        )


def _record_addresses(session: Session, host_id: int, reported: dict[tuple[str, str], str], kind: str,
                      seen: dt.datetime) -> None:
    """Address history: first/last seen per (address, interface, kind), never
    deleted. ``reported`` maps (address, interface) to a MAC. Only the rows of
    the reported addresses are read: a host's history grows with every address
    it ever had, a report carries only today's."""
    existing: dict[tuple[str, str], HostAddress] = {}
    for part in chunks(sorted({address for address, _ in reported})):
        for row in session.scalars(select(HostAddress).where(
            HostAddress.host_id == host_id, HostAddress.kind == kind, HostAddress.address.in_(part)
        )):
            existing[(row.address, row.interface)] = row
    for (address, interface), mac in reported.items():
        row = existing.get((address, interface))
        if row is None:
            session.add(HostAddress(host_id=host_id, address=address, interface=interface, mac=mac, kind=kind,
                                    first_seen=seen, last_seen=seen))
        else:
            row.last_seen = max(row.last_seen, seen)
            row.first_seen = min(row.first_seen, seen)
            row.mac = mac or row.mac
