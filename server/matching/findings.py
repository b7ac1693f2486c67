"""Per-host findings, derived from software matches and OS builds.

Refreshing writes only the delta: new findings are opened, vanished ones get
``resolved_at``; nothing is deleted, so past weeks can be reported as they
stood. Running it twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from server.db.models import Affected, Finding, Host, HostPatch, HostSoftware, Software, SoftwareMatch
from server.matching.decide import SCHEME_OF_ECOSYSTEM, windows_os_verdict
from server.matching.engine import item_of

CHUNK = 500

Key = tuple[int, int, int]  # host id, affected id, software id (0 = the OS)


@dataclass(frozen=True)
class Wanted:
    advisory_pk: int
    matcher: str
    matched_on: str
    installed_version: str
    fixed_version: str


@dataclass(frozen=True)
class Delta:
    opened: int
    resolved: int


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _software_findings(session: Session, host_ids: Sequence[int]) -> dict[Key, Wanted]:
    rows = session.execute(
        select(
            HostSoftware.host_id,
            Affected.id,
            Software.id,
            Affected.advisory_pk,
            Affected.ecosystem,
            Software.match_name,
            Software.version,
            Affected.fixed_version,
        )
        .join(SoftwareMatch, SoftwareMatch.software_id == HostSoftware.software_id)
        .join(Affected, Affected.id == SoftwareMatch.affected_id)
        .join(Software, Software.id == HostSoftware.software_id)
        .join(Host, Host.id == HostSoftware.host_id)
        # A distro advisory applies only to hosts of that release.
        .where(HostSoftware.host_id.in_(host_ids), or_(Affected.distro == "", Affected.distro == Host.distro))
    ).all()
    return {
        (host_id, affected_id, sw_id): Wanted(
            advisory_pk,
            SCHEME_OF_ECOSYSTEM.get(ecosystem, "generic"),
            f"{ecosystem} {name}",
            version,
            fixed,
        )
        for host_id, affected_id, sw_id, advisory_pk, ecosystem, name, version, fixed in rows
    }


def _os_findings(session: Session, host_ids: Sequence[int]) -> dict[Key, Wanted]:
    hosts = session.execute(
        select(Host.id, Host.os_build).where(Host.id.in_(host_ids), Host.platform == "windows")
    ).all()
    if not hosts:
        return {}
    items = list(session.scalars(select(Affected).where(Affected.ecosystem == "windows-os")))
    if not items:
        return {}
    kbs: dict[int, set[str]] = defaultdict(set)
    for host_id, kb in session.execute(
        select(HostPatch.host_id, HostPatch.hotfix_id).where(HostPatch.host_id.in_([h for h, _ in hosts]))
    ):
        kbs[host_id].add(kb.upper())
    wanted: dict[Key, Wanted] = {}
    for row in items:
        item = item_of(row)
        for host_id, build in hosts:
            verdict = windows_os_verdict(item, build, kbs[host_id])
            if verdict.affected:
                fixed = row.fixed_version or ", ".join(row.fixed_kbs or ())
                wanted[(host_id, row.id, 0)] = Wanted(
                    row.advisory_pk, verdict.matcher, verdict.matched_on, build, fixed
                )
    return wanted


def refresh_findings(session: Session, host_ids: Sequence[int] | None, now: dt.datetime) -> Delta:
    """Bring the open findings of these hosts (all hosts when None) in line with
    the current matches."""
    if host_ids is None:
        host_ids = list(session.scalars(select(Host.id)))
    opened = resolved = 0
    for part in _chunks(sorted(set(host_ids))):
        wanted = _software_findings(session, part)
        wanted.update(_os_findings(session, part))
        open_rows = session.execute(
            select(Finding.id, Finding.host_id, Finding.affected_id, Finding.software_id).where(
                Finding.host_id.in_(part), Finding.resolved_at.is_(None)
            )
        ).all()
        have = {(h, a, s): fid for fid, h, a, s in open_rows}
        gone = [fid for key, fid in have.items() if key not in wanted]
        for ids in _chunks(gone):
            session.execute(update(Finding).where(Finding.id.in_(ids)).values(resolved_at=now))
        new = [
            {
                "host_id": key[0],
                "affected_id": key[1],
                "software_id": key[2],
                "advisory_pk": w.advisory_pk,
                "matcher": w.matcher,
                "matched_on": w.matched_on,
                "installed_version": w.installed_version,
                "fixed_version": w.fixed_version,
                "first_detected": now,
            }
            for key, w in wanted.items()
            if key not in have
        ]
        if new:
            session.execute(insert(Finding), new)
        opened += len(new)
        resolved += len(gone)
    return Delta(opened, resolved)


def retire_affected(session: Session, affected_ids: Sequence[int], now: dt.datetime) -> int:
    """Resolve the open findings of affected items about to be deleted (an
    advisory revision dropped them, or it was withdrawn)."""
    count = 0
    for part in _chunks(sorted(affected_ids)):
        result = session.execute(
            update(Finding)
            .where(Finding.affected_id.in_(part), Finding.resolved_at.is_(None))
            .values(resolved_at=now)
        )
        count += result.rowcount or 0
    return count


def hosts_with_software(session: Session, software_ids: Iterable[int]) -> set[int]:
    hosts: set[int] = set()
    for part in _chunks(sorted(set(software_ids))):
        hosts.update(session.scalars(select(HostSoftware.host_id).where(HostSoftware.software_id.in_(part))))
    return hosts
