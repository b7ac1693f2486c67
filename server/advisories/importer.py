"""Import parsed documents: one savepoint per document, then re-match only
what the import touched."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from server.advisories.enrich import apply_kev
from server.advisories.resolve import resolve_for_cves
from server.advisories.store import StoreResult, store_advisory
from server.db.models import Host
from server.feeds.interface import Advisory, Parsed, Problem
from server.matching import engine
from server.matching.findings import Delta, hosts_with_software, refresh_findings

Progress = Callable[[int, int | None], None]


@dataclass
class ImportSummary:
    documents: int = 0
    skipped: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    cves: set[str] = field(default_factory=set)
    findings: Delta = Delta(0, 0)

    @property
    def advisories(self) -> int:
        return sum(self.statuses.values())


def store_documents(
    session: Session,
    documents: Iterable[Parsed],
    now: dt.datetime,
    progress: Progress | None = None,
    total: int | None = None,
) -> tuple[ImportSummary, list[StoreResult]]:
    """Store every usable document; a document that fails is rolled back alone."""
    summary = ImportSummary()
    results: list[StoreResult] = []
    for parsed in documents:
        summary.documents += 1
        summary.problems.extend(parsed.problems)
        if not parsed.ok:
            summary.skipped += 1
        else:
            stored = _store_one(session, parsed.source_file, parsed.advisories, now, summary)
            results.extend(stored)
        if progress:
            progress(summary.documents, total)
    return summary, results


def _store_one(
    session: Session, source_file: str, advisories: list[Advisory], now: dt.datetime, summary: ImportSummary
) -> list[StoreResult]:
    savepoint = session.begin_nested()
    try:
        stored = [store_advisory(session, advisory, now) for advisory in advisories]
        savepoint.commit()
    except (IntegrityError, DBAPIError, ValueError) as exc:
        savepoint.rollback()
        summary.skipped += 1
        reason = getattr(exc, "orig", None) or exc
        summary.problems.append(Problem(source_file, f"not stored: {reason}"))
        return []
    summary.statuses.update(result.status for result in stored)
    summary.cves.update(cve.upper() for advisory in advisories for cve in advisory.cves)
    return stored


def rematch(session: Session, results: Iterable[StoreResult], now: dt.datetime) -> Delta:
    """Re-match the affected items these results touched, and refresh the
    findings of only the hosts that can be concerned."""
    results = list(results)
    touched = sorted({aid for result in results for aid in result.touched})
    software = engine.match_affected(session, touched) if touched else set()
    hosts = hosts_with_software(session, software)
    if any(result.os_touched for result in results):
        hosts.update(session.scalars(select(Host.id).where(Host.platform == "windows")))
    if not hosts:
        return Delta(0, 0)
    return refresh_findings(session, sorted(hosts), now)


def finish(session: Session, summary: ImportSummary, results: list[StoreResult], now: dt.datetime) -> None:
    """After storing: re-resolve the warnings that name the imported CVEs,
    apply KEV, then re-match what changed."""
    results = results + resolve_for_cves(session, summary.cves, now)
    apply_kev(session, summary.cves)
    summary.findings = rematch(session, results, now)


def import_documents(
    session: Session,
    documents: Iterable[Parsed],
    now: dt.datetime,
    progress: Progress | None = None,
    total: int | None = None,
) -> ImportSummary:
    summary, results = store_documents(session, documents, now, progress, total)
    finish(session, summary, results, now)
    return summary
