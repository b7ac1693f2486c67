"""Rate limits on enrollment, counted from the recorded attempts, so every API
worker process sees the same counts.

Per source address only suspicious attempts count (a wrong secret, a request
for approval): a whole commune behind one NAT address enrolls at once at the
start of a day and must not be refused. Per secret every attempt counts, so a
leaked secret cannot be used to flood the approval queue from many addresses.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db.models import EnrollAttempt
from server.errors import Throttled
from server.inventory import outcomes


@dataclass(frozen=True)
class EnrollLimits:
    window_seconds: int = 600
    suspicious_per_source: int = 20
    attempts_per_secret: int = 600


def check_enroll_rate(session: Session, source: str, secret_id: int | None, now: dt.datetime,
                      limits: EnrollLimits) -> None:
    """Raise Throttled when ``source`` or ``secret_id`` went over its limit
    within the window. Throttled attempts are not recorded: under attack the
    table would grow with every refused request."""
    since = now - dt.timedelta(seconds=limits.window_seconds)
    suspicious = session.scalar(
        select(func.count()).select_from(EnrollAttempt).where(
            EnrollAttempt.source_address == source, EnrollAttempt.at >= since,
            EnrollAttempt.outcome.in_(outcomes.SUSPICIOUS),
        )
    )
    if (suspicious or 0) >= limits.suspicious_per_source:
        raise Throttled(f"too many failed or unapproved enrollments from {source}; retry later",
                        limits.window_seconds)
    if secret_id is None:
        return
    used = session.scalar(
        select(func.count()).select_from(EnrollAttempt).where(
            EnrollAttempt.secret_id == secret_id, EnrollAttempt.at >= since
        )
    )
    if (used or 0) >= limits.attempts_per_secret:
        raise Throttled("this enroll secret was used too often just now; retry later", limits.window_seconds // 10)
