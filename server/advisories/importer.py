"""Import parsed documents: one savepoint per document, then re-match only
what the import touched."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from server.advisories.enrich import apply_kev
from server.advisories.resolve import resolve_for_cves
from server.advisories.store import StoreResult, store_advisory
from server.feeds.interface import Advisory, Parsed, Problem
from server.matching import engine
from server.matching.findings import Delta, refresh_findings
from server.matching.lookup import stream_sibling_ids

Progress = Callable[[int, int | None], None]


@dataclass
class ImportSummary:
    documents: int = 0
    skipped: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    cves: set[str] = field(default_factory=set)
    findings: Delta = Delta(0, 0)
    # Per feed kind, when one import mixes kinds (``feeds import <folder>``).
    by_kind: dict[str, ImportSummary] = field(default_factory=dict)
    # Documents a sync did not fetch again: the provider lists them unchanged.
    unchanged_documents: int = 0

    @property
    def advisories(self) -> int:
        return sum(self.statuses.values())

    def add(self, kind: str, part: ImportSummary) -> None:
        """Count one kind's documents in the total, keeping its own counts."""
        self.by_kind[kind] = part
        self.documents += part.documents
        self.skipped += part.skipped
        self.statuses.update(part.statuses)
        self.problems.extend(part.problems)
        self.cves |= part.cves


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
    """Re-match the affected items these results touched and refresh only
    their findings. (Dropped items were resolved by ``retire_affected``.)"""
    results = list(results)
    touched = sorted({aid for result in results for aid in result.touched})
    if not touched:
        return Delta(0, 0)
    software = engine.match_affected(session, touched)
    if not software and not any(result.os_touched for result in results):
        return Delta(0, 0)  # nothing matched these items before or now
    # NOTE: only hosts with software these items matched (before or now) or
    # Windows hosts can have findings of them, so scoping by item is enough;
    # plus the minor-release stream siblings whose say these items change.
    return refresh_findings(session, None, now, affected_ids=sorted({*touched, *stream_sibling_ids(session, touched)}))


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
