"""The latest rows of each inventory query of a host (``OsqueryResult``).

A snapshot replaces the rows, unless an older one arrives after a newer
(logs buffered while the PC was offline). A differential change applies on
top of its own epoch's rows; one without them (the server never saw that
epoch's baseline) is dropped: the next snapshot or baseline repairs the rows.
The caller owns the transaction and holds the host's row lock.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import OsqueryResult
from server.osquery_remote.results import Result, Row

log = logging.getLogger("patchgap.osquery")


def stored(session: Session, host_id: int) -> dict[str, OsqueryResult]:
    return {row.query: row for row in session.scalars(select(OsqueryResult).where(OsqueryResult.host_id == host_id))}


def _key(row: Row) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(row.items()))


def _apply_change(rows: list[Row], added: list[Row], removed: list[Row]) -> list[Row]:
    """``rows`` less one copy of each removed row, plus the added ones."""
    gone = Counter(_key(row) for row in removed)
    kept: list[Row] = []
    for row in rows:
        key = _key(row)
        if gone[key]:
            gone[key] -= 1
        else:
            kept.append(row)
    return kept + added


def apply(session: Session, host_id: int, results: Iterable[Result], now: dt.datetime) -> set[str]:
    """Store ``results``; the names of the queries whose rows changed."""
    current = stored(session, host_id)
    changed: set[str] = set()
    for result in results:
        row = current.get(result.query)
        if row is not None and result.collected_at < row.collected_at:
            continue  # an older run arriving late
        if result.snapshot is not None:
            rows = result.snapshot
        elif result.counter == 0 and not (row is not None and (row.epoch, row.counter) == (result.epoch, 0)):
            rows = _apply_change([], result.added, result.removed)  # a new epoch's baseline
        elif row is not None and not row.error and row.epoch == result.epoch:
            rows = _apply_change(list(row.rows), result.added, result.removed)
        else:
            log.info("host %s: %s changes of epoch %d dropped, no baseline of that epoch", host_id, result.query,
                     result.epoch)
            continue
        if row is None:
            row = OsqueryResult(host_id=host_id, query=result.query, rows=[], collected_at=result.collected_at,
                                epoch=0, counter=0)
            session.add(row)
            current[result.query] = row
        if row.error or sorted(map(_key, row.rows)) != sorted(map(_key, rows)):
            changed.add(result.query)
        row.rows, row.error = rows, ""
        row.collected_at, row.received_at = result.collected_at, now
        if not result.off_schedule:
            row.epoch, row.counter = result.epoch, result.counter
    session.flush()
    return changed


def record_failure(session: Session, host_id: int, query: str, error: str, at: dt.datetime, now: dt.datetime) -> bool:
    """osqueryd could not run ``query`` on this host (no such table or column
    on its version): answered, with no rows, as the collector skips such a
    query. True when this is news."""
    row = session.get(OsqueryResult, (host_id, query))
    if row is not None and at < row.collected_at:
        return False
    news = row is None or not row.error or row.rows != []
    if row is None:
        row = OsqueryResult(host_id=host_id, query=query, collected_at=at)
        session.add(row)
    row.rows, row.error, row.collected_at, row.received_at = [], error[:1000] or "failed", at, now
    row.epoch, row.counter = 0, 0
    session.flush()
    return news
