"""Builders for matching tests: real reports through ``apply_report``, real
advisories through ``import_documents``, findings read back as plain tuples."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.advisories.importer import ImportSummary, import_documents
from server.db.models import Advisory as AdvisoryRow
from server.db.models import Affected, Finding, Host, Software
from server.feeds.interface import AffectedItem, Advisory, Parsed
from tests.reports import store_report

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)


def pkg(name: str, version: str, ecosystem: str = "deb", source: str = "") -> wire.Software:
    return wire.Software(name=name, version=version, ecosystem=ecosystem, source_package=source,
                         arch="" if ecosystem not in ("deb", "rpm") else "x86_64")


def linux(uuid: str, platform: str, major: int, software: list[wire.Software], minor: int = 0) -> wire.Report:
    """A Linux host report: platform is osquery's (debian, ubuntu, rhel, rocky, almalinux)."""
    return wire.Report(
        host=wire.HostInfo(uuid=uuid, hostname=uuid),
        os=wire.OsInfo(name=platform, version=f"{major}.{minor}", platform=platform, major=major, minor=minor),
        collector=wire.CollectorInfo(version="0.1.0", source="native"),
        collected_at=NOW.isoformat(), software=software)


def windows(uuid: str, build: str, kbs: tuple[str, ...] = (), programs: list[wire.Software] | None = None,
            collected_at: dt.datetime = NOW) -> wire.Report:
    return wire.Report(
        host=wire.HostInfo(uuid=uuid, hostname=uuid),
        os=wire.OsInfo(name="Microsoft Windows 10 Pro", version="10.0.19045", platform="windows", major=10,
                       build=build),
        collector=wire.CollectorInfo(version="0.1.0", source="osquery"),
        collected_at=collected_at.isoformat(), software=programs or [],
        patches=[wire.Patch(hotfix_id=kb) for kb in kbs])


def report(session: Session, report: wire.Report, now: dt.datetime = NOW) -> Host:
    """Store a report (enrolling the host the first time) and match it."""
    return store_report(session, report, "Phòng Kỹ thuật", now)


def advisory(advisory_id: str, *items: AffectedItem, source: str = "osv", revision: str = "1") -> Advisory:
    return Advisory(source=source, advisory_id=advisory_id, title=advisory_id, revision=revision, affected=items)


def publish(session: Session, *advisories: Advisory, now: dt.datetime = NOW) -> ImportSummary:
    return import_documents(session, [Parsed("test.json", list(advisories))], now)


def findings(session: Session, host: Host | None = None, open_only: bool = True) -> set[tuple[str, str, str]]:
    """(host uuid, advisory id, software name or "OS") of the findings."""
    query = (select(Host.uuid, AdvisoryRow.advisory_id, Software.name)
             .select_from(Finding).join(Host, Host.id == Finding.host_id)
             .join(AdvisoryRow, AdvisoryRow.id == Finding.advisory_pk)
             .outerjoin(Software, Software.id == Finding.software_id))
    if open_only:
        query = query.where(Finding.resolved_at.is_(None))
    if host is not None:
        query = query.where(Finding.host_id == host.id)
    return {(h, a, s or "OS") for h, a, s in session.execute(query)}


def match_names(session: Session) -> dict[str, str]:
    """Affected product -> its match name."""
    return dict(session.execute(select(Affected.product, Affected.match_name)).all())
