"""The measured scenarios, each with its naive baseline.

Every function gets a session factory on the populated database and returns
plain numbers; ``bench.matching`` prints them. Incremental scenarios roll
back, so each starts from the same state.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from collector import wire
from server.advisories.importer import import_documents
from server.db.models import Advisory as AdvisoryRow, Affected, Finding, Host, HostSoftware, Software, SoftwareMatch
from server.feeds.interface import AffectedItem, Advisory, Parsed
from server.inventory.service import apply_report
from server.matching.rematch import rematch
from server.versions.cache import KeyCache

from bench.naive import engine_findings, naive_host

NOW = dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.timezone.utc)


@dataclass
class Timing:
    seconds: float
    naive_seconds: float
    note: str = ""
    p99: float | None = None
    counts: dict[str, int] = field(default_factory=dict)


def sample_hosts(sessions: sessionmaker[Session], size: int) -> list[int]:
    """Up to ``size`` hosts spread over every release (Windows included)."""
    with sessions() as session:
        rows = session.execute(select(Host.id, Host.distro, Host.platform).order_by(Host.id)).all()
    by_kind: dict[tuple[str, str], list[int]] = {}
    for host_id, distro, platform in rows:
        by_kind.setdefault((distro, platform), []).append(host_id)
    picked: list[int] = []
    while len(picked) < min(size, len(rows)):
        for ids in by_kind.values():
            if ids and len(picked) < size:
                picked.append(ids.pop(0))
    return sorted(picked)


def naive_per_host(sessions: sessionmaker[Session], hosts: Sequence[int], only: Sequence[int] | None = None
                   ) -> tuple[float, set[tuple[int, int, int]]]:
    """Mean seconds per host of the naive loop, and what it found."""
    with sessions() as session:
        return _naive(session, hosts, only)


def _naive(session: Session, hosts: Sequence[int], only: Sequence[int] | None = None
           ) -> tuple[float, set[tuple[int, int, int]]]:
    found: set[tuple[int, int, int]] = set()
    start = time.perf_counter()
    for host_id in hosts:
        found |= naive_host(session, host_id, only)
    return (time.perf_counter() - start) / max(1, len(hosts)), found


def full_rematch(sessions: sessionmaker[Session], full: bool = True) -> Timing:
    """``rematch``: everything (``full``), or what changed since the last one."""
    with sessions.begin() as session:
        start = time.perf_counter()
        result = rematch(session, NOW, full=full)
        seconds = time.perf_counter() - start
        matches = session.scalar(select(func.count()).select_from(SoftwareMatch)) or 0
    return Timing(seconds, 0.0, note=result.scope, counts={"software_matches": matches,
                                                            "opened": result.findings.opened})


def _report(session: Session, host: Host, changed: int) -> wire.Report:
    rows = session.execute(
        select(Software).join(HostSoftware, HostSoftware.software_id == Software.id)
        .where(HostSoftware.host_id == host.id).order_by(Software.id)
    ).scalars().all()
    software = [wire.Software(name=s.name, version=s.version, ecosystem=s.ecosystem, arch=s.arch, vendor=s.vendor,
                              source_package=s.source_package, release=s.release) for s in rows]
    for i in range(0, min(changed, len(software))):
        old = software[i * (len(software) // changed)]
        suffix = "+bench1" if old.ecosystem == "deb" else ".1"
        software[i * (len(software) // changed)] = wire.Software(
            name=old.name, version=old.version + suffix, ecosystem=old.ecosystem, arch=old.arch,
            source_package=old.source_package)
    major, _, minor = host.os_version.partition(".")
    return wire.Report(
        host=wire.HostInfo(uuid=host.uuid, hostname=host.hostname),
        os=wire.OsInfo(name=host.os_name, version=host.os_version, platform=host.platform, major=int(major or 0),
                       minor=int(minor or 0), build=host.os_build),
        collector=wire.CollectorInfo(version="0.1.0", source="native"),
        collected_at=NOW.isoformat(), software=software)


def one_host(sessions: sessionmaker[Session], hosts: Sequence[int], changed: int = 20, runs: int = 40) -> Timing:
    """``apply_report`` for one host with ``changed`` upgraded packages: ``runs``
    reports over these hosts in turn (p50 and p99)."""
    times = []
    for index in range(runs + 1):  # the first run only warms caches
        with sessions() as session:
            host = session.get(Host, hosts[index % len(hosts)])
            report = _report(session, host, changed)  # type: ignore[arg-type]
            start = time.perf_counter()
            apply_report(session, host, report, NOW)  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
            session.rollback()
    naive, _ = naive_per_host(sessions, hosts)
    return Timing(statistics.median(times[1:]), naive, note=f"{runs} reports over {len(hosts)} hosts",
                  p99=_p99(times[1:]))


def _p99(times: Sequence[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def new_host(sessions: sessionmaker[Session], hosts: Sequence[int]) -> Timing:
    """``apply_report`` for a host never seen, reporting what a sampled host
    has (every software row already known: the links are the work)."""
    times = []
    for host_id in [hosts[0], *hosts]:  # the first run only warms caches
        with sessions() as session:
            known = session.get(Host, host_id)
            host = Host(uuid=f"new-{known.uuid}", hostname=f"new-{known.hostname}",  # type: ignore[union-attr]
                        unit_id=known.unit_id)  # type: ignore[union-attr]
            session.add(host)
            session.flush()
            report = _report(session, known, 0)  # type: ignore[arg-type]
            report = dataclasses.replace(report, host=wire.HostInfo(uuid=host.uuid, hostname=host.hostname))
            start = time.perf_counter()
            apply_report(session, host, report, NOW)
            times.append(time.perf_counter() - start)
            session.rollback()
    return Timing(statistics.median(times[1:]), 0.0, note=f"median of {len(hosts)} hosts")


def _newest(session: Session, ecosystem: str, marker: str) -> tuple[str, str, str]:
    name, source = session.execute(
        select(Software.match_name, Software.source_package).join(HostSoftware, HostSoftware.software_id == Software.id)
        .where(Software.ecosystem == ecosystem, Software.version.contains(marker)).limit(1)
    ).one()
    versions = session.scalars(select(Software.version).where(Software.ecosystem == ecosystem,
                                                              Software.match_name == name)).all()
    keys = KeyCache()
    return name, source, max(versions, key=lambda v: keys.key(ecosystem, v))  # type: ignore[arg-type, return-value]


def one_feed(sessions: sessionmaker[Session], hosts: Sequence[int], total_hosts: int) -> Timing:
    """Import one document fixing one Debian 12 source, one RHEL 9 source and Chrome."""
    with sessions() as session:
        deb, _, deb_top = _newest(session, "deb", "+deb12u")
        rpm, _, rpm_top = _newest(session, "rpm", ".el9_")
    items = (AffectedItem("deb", deb, f"vers:deb/<{deb_top}+bench1", f"{deb_top}+bench1", distro="debian:12"),
             AffectedItem("rpm", rpm, f"vers:rpm/<{rpm_top}.1", f"{rpm_top}.1", distro="rhel:9"),
             AffectedItem("generic", "chrome", "vers:generic/<999.0", "999.0", vendor="google",
                          cpe="cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*"))
    document = Parsed("bench-feed.json", [Advisory("osv", "BENCH-FEED-1", cves=("CVE-2099-0001",), affected=items)])
    with sessions() as session:
        start = time.perf_counter()
        summary = import_documents(session, [document], NOW)
        seconds = time.perf_counter() - start
        only = session.scalars(select(Affected.id).join(AdvisoryRow, AdvisoryRow.id == Affected.advisory_pk)
                               .where(AdvisoryRow.advisory_id == "BENCH-FEED-1")).all()
        naive, _ = _naive(session, hosts, only)  # in the same transaction: the items exist
        session.rollback()
    return Timing(seconds, naive * total_hosts, note=f"{deb}, {rpm}, chrome",
                  counts={"opened": summary.findings.opened})


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0
        return {"software_matches": count(SoftwareMatch), "findings": count(Finding), "hosts": count(Host)}


def agreement(sessions: sessionmaker[Session], hosts: Sequence[int], naive: set[tuple[int, int, int]]) -> str:
    with sessions() as session:
        engine = engine_findings(session, hosts)
    if engine == naive:
        return f"identical ({len(engine)} findings on {len(hosts)} hosts)"
    return f"DIFFERENT: {len(engine - naive)} only in engine, {len(naive - engine)} only naive"



def is_linux(sessions: sessionmaker[Session], host_id: int) -> bool:
    with sessions() as session:
        return (session.scalar(select(Host.distro).where(Host.id == host_id)) or "") != ""
