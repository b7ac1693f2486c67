"""Store one report: host, distinct software, the host's software diff,
patches and addresses. The caller owns the transaction (one per report), so
a report is stored whole or not at all. Sending the same report twice
changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import Host, HostAddress, HostPatch, HostSoftware, Software
from server.inventory.distro import distro_of
from server.matching.identity import match_name

# Keep IN (...) lists well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


@dataclass(frozen=True)
class IngestResult:
    host_id: int
    software_added: int
    software_removed: int
    new_software_ids: tuple[int, ...]
    stale: bool = False


def software_key(item: wire.Software) -> str:
    identity = "\x1f".join(
        (item.ecosystem, item.name, item.version, item.arch, item.vendor, item.source_package, item.release)
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(values), size):
        yield values[start : start + size]


def parse_collected_at(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def ingest_report(session: Session, host: Host, report: wire.Report, now: dt.datetime) -> IngestResult:
    """Apply ``report`` to ``host``. A report older than the newest one already
    applied (a spooled report arriving late) only adds address history."""
    collected = parse_collected_at(report.collected_at) or now
    stale = host.last_collected_at is not None and collected < host.last_collected_at
    host.last_report_at = now
    _record_addresses(session, host.id, report.addresses, collected)
    if stale:
        return IngestResult(host.id, 0, 0, (), stale=True)

    _update_host(host, report, collected)
    software_ids, new_ids = _distinct_software(session, report.software)
    added, removed = _replace_host_software(session, host.id, software_ids, now)
    _replace_patches(session, host.id, report.patches, now)
    session.flush()
    return IngestResult(host.id, added, removed, tuple(new_ids))


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
    host.hardware = " ".join(p for p in (report.host.hardware_vendor, report.host.hardware_model) if p)
    host.collector_version = report.collector.version
    host.collector_source = report.collector.source
    host.last_collected_at = collected


def _distinct_software(session: Session, items: Sequence[wire.Software]) -> tuple[set[int], list[int]]:
    """Ids of the distinct software rows for ``items``, creating missing ones."""
    by_key = {software_key(item): item for item in items}
    ids: dict[str, int] = {}
    keys = list(by_key)
    for part in chunks(keys):
        for key, sw_id in session.execute(select(Software.key, Software.id).where(Software.key.in_(part))):
            ids[key] = sw_id
    missing = [key for key in keys if key not in ids]
    if missing:
        session.execute(
            insert(Software),
            [
                {
                    "key": key,
                    "ecosystem": by_key[key].ecosystem,
                    "name": by_key[key].name,
                    "version": by_key[key].version,
                    "arch": by_key[key].arch,
                    "vendor": by_key[key].vendor,
                    "source_package": by_key[key].source_package,
                    "release": by_key[key].release,
                    "match_name": match_name(by_key[key].ecosystem, by_key[key].name, by_key[key].source_package),
                }
                for key in missing
            ],
        )
        for part in chunks(missing):
            for key, sw_id in session.execute(select(Software.key, Software.id).where(Software.key.in_(part))):
                ids[key] = sw_id
    return set(ids.values()), sorted(ids[key] for key in missing)


def _replace_host_software(session: Session, host_id: int, wanted: set[int], now: dt.datetime) -> tuple[int, int]:
    current = set(session.scalars(select(HostSoftware.software_id).where(HostSoftware.host_id == host_id)))
    added = sorted(wanted - current)
    removed = sorted(current - wanted)
    for part in chunks(removed):
        session.execute(
            delete(HostSoftware).where(HostSoftware.host_id == host_id, HostSoftware.software_id.in_(part))
        )
    if added:
        session.execute(
            insert(HostSoftware),
            [{"host_id": host_id, "software_id": sw_id, "first_seen": now} for sw_id in added],
        )
    return len(added), len(removed)


def _replace_patches(session: Session, host_id: int, patches: Sequence[wire.Patch], now: dt.datetime) -> None:
    reported = {p.hotfix_id.strip().upper(): p for p in patches if p.hotfix_id.strip()}
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


def _record_addresses(session: Session, host_id: int, addresses: Sequence[wire.Address], seen: dt.datetime) -> None:
    """Address history: first/last seen per (address, interface), never deleted."""
    existing = {
        (row.address, row.interface): row
        for row in session.scalars(
            select(HostAddress).where(HostAddress.host_id == host_id, HostAddress.kind == "interface")
        )
    }
    for item in {(a.address, a.interface): a for a in addresses if a.address}.values():
        row = existing.get((item.address, item.interface))
        if row is None:
            session.add(
                HostAddress(
                    host_id=host_id,
                    address=item.address,
                    interface=item.interface,
                    mac=item.mac,
                    kind="interface",
                    first_seen=seen,
                    last_seen=seen,
                )
            )
        else:
            row.last_seen = max(row.last_seen, seen)
            row.first_seen = min(row.first_seen, seen)
            row.mac = item.mac or row.mac
