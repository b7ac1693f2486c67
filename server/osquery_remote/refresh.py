"""Inventories asked of an osquery host through osquery's distributed
queries: by an admin (``patchgap host refresh``), and at enrollment so a new
host's first report does not wait for the hourly schedule.

A request is handed out at the host's next distributed read, again if no
answer came within ``RESEND_AFTER`` (osqueryd was stopped meanwhile), and is
done when the answers are written. The caller owns the transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Host, OsqueryRefresh
from server.osquery_remote import schedule

RESEND_AFTER = dt.timedelta(minutes=10)


def ask(session: Session, host_id: int, by: str, now: dt.datetime) -> bool:
    """Ask for an inventory; False when one is waiting already."""
    waiting = session.get(OsqueryRefresh, host_id)
    if waiting is not None:
        if waiting.handed_out_at is None:
            return False
        waiting.handed_out_at = None  # handed out earlier: ask again
        waiting.requested_at, waiting.requested_by = now, by[:255]
        return True
    session.add(OsqueryRefresh(host_id=host_id, requested_at=now, requested_by=by[:255]))
    session.flush()
    return True


def ask_many(session: Session, hosts: Iterable[Host], by: str, now: dt.datetime) -> int:
    return sum(ask(session, host.id, by, now) for host in hosts)


def hand_out(session: Session, host_id: int, platform: str | None, now: dt.datetime) -> dict[str, str]:
    """The queries to run now (name -> SQL), or none. With the platform not
    yet known, every query goes out: those of other platforms fail on the host
    (no such table), which its answer's statuses say."""
    waiting = session.get(OsqueryRefresh, host_id)
    if waiting is None or (waiting.handed_out_at is not None and now - waiting.handed_out_at < RESEND_AFTER):
        return {}
    waiting.handed_out_at = now
    queries = schedule.applicable(platform) if platform else schedule.inventory_queries()
    return {name: query.compact_sql for name, query in sorted(queries.items())}


def done(session: Session, host_id: int) -> None:
    waiting = session.get(OsqueryRefresh, host_id)
    if waiting is not None and waiting.handed_out_at is not None:
        session.delete(waiting)


def waiting(session: Session, host_id: int) -> OsqueryRefresh | None:
    return session.scalar(select(OsqueryRefresh).where(OsqueryRefresh.host_id == host_id))
