"""Asking hosts for a triage snapshot, and what is pending.

At most one request per host is pending (a partial unique index): asking
again while one waits changes nothing. The snapshot that arrives fulfils it.
The caller owns the transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.db.models import TriageRequest

Reason = Literal["botnet", "admin"]


def pending(session: Session, host_id: int) -> TriageRequest | None:
    """The host's pending request, if any."""
    return session.scalar(
        select(TriageRequest).where(TriageRequest.host_id == host_id, TriageRequest.fulfilled_at.is_(None))
    )


def ask(session: Session, host_id: int, reason: Reason, by: str, now: dt.datetime) -> tuple[TriageRequest, bool]:
    """(the pending request, whether it is new): a new one only when none waits."""
    waiting = pending(session, host_id)
    if waiting is not None:
        return waiting, False
    request = TriageRequest(host_id=host_id, reason=reason, requested_by=by[:255], requested_at=now)
    session.add(request)
    session.flush()
    return request, True


def ask_listed(session: Session, host_ids: Iterable[int], list_name: str, now: dt.datetime) -> int:
    """Ask every host a botnet list names; how many requests are new."""
    return sum(ask(session, host_id, "botnet", list_name, now)[1] for host_id in sorted(set(host_ids)))


def fulfil(session: Session, host_id: int, snapshot_id: int, now: dt.datetime) -> int:
    """Mark the host's pending request answered by ``snapshot_id``; how many were."""
    done = session.execute(
        update(TriageRequest)
        .where(TriageRequest.host_id == host_id, TriageRequest.fulfilled_at.is_(None))
        .values(fulfilled_at=now, snapshot_id=snapshot_id)
    )
    return int(done.rowcount or 0)
