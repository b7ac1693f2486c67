"""An admin's decisions on host identity: approve or deny a pending
enrollment, revoke a host, require approval for a unit's new hosts, and the
log of enrollment attempts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from server.db.models import EnrollAttempt, Host, Unit
from server.errors import NotFound
from server.inventory import outcomes
from server.queries import find_host


def pending(session: Session) -> list[EnrollAttempt]:
    """Enrollments waiting for an admin, oldest first."""
    return list(session.scalars(
        select(EnrollAttempt).where(EnrollAttempt.outcome == outcomes.PENDING).order_by(EnrollAttempt.id)
    ))


def attempts(session: Session, limit: int = 100, suspicious_only: bool = False) -> list[EnrollAttempt]:
    """The latest enrollment attempts, newest first."""
    query = select(EnrollAttempt).order_by(EnrollAttempt.id.desc()).limit(limit)
    if suspicious_only:
        query = query.where(EnrollAttempt.outcome.in_(outcomes.SUSPICIOUS))
    return list(session.scalars(query))


def find_pending(session: Session, ref: str) -> EnrollAttempt:
    """A pending enrollment by its number (``12`` or ``#12``), or by hostname
    or uuid when exactly one is pending for that host."""
    number = ref.lstrip("#")
    if number.isdigit():
        attempt = session.get(EnrollAttempt, int(number))
        if attempt is None or attempt.outcome != outcomes.PENDING:
            raise NotFound.of("no_pending", ref=f"#{number}")
        return attempt
    found = list(session.scalars(
        select(EnrollAttempt).where(
            EnrollAttempt.outcome == outcomes.PENDING,
            or_(func.lower(EnrollAttempt.hostname) == ref.lower(), EnrollAttempt.host_uuid == ref),
        ).order_by(EnrollAttempt.id)
    ))
    if not found:
        raise NotFound.of("no_pending", ref=ref)
    if len(found) > 1:
        # Two claimants of one host: the admin must choose, seeing where each came from.
        choices = ", ".join(f"#{a.id} from {a.source_address or '?'}" for a in found)
        raise NotFound.of("several_pending", count=len(found), ref=ref, choices=choices)
    return found[0]


def approve(session: Session, ref: str, now: dt.datetime) -> Host:
    """Give the pending enrollment's node key to its host (creating the host,
    or moving it to the enrolling unit); other pending claims on the same
    host are superseded."""
    attempt = find_pending(session, ref)
    host = session.scalar(select(Host).where(Host.uuid == attempt.host_uuid).with_for_update())
    if host is None:
        host = Host(uuid=attempt.host_uuid, hostname=attempt.hostname, unit_id=attempt.unit_id, enrolled_at=now)
        session.add(host)
    host.unit_id = attempt.unit_id or host.unit_id
    host.hostname = attempt.hostname or host.hostname
    host.revoked_at = None
    key_hash, attempt.node_key_hash = attempt.node_key_hash, None
    session.flush()  # the key leaves the attempt before the host takes it (both are unique)
    host.node_key_hash = key_hash
    session.flush()
    attempt.outcome, attempt.decided_at, attempt.host_id = outcomes.APPROVED, now, host.id
    for other in session.scalars(select(EnrollAttempt).where(
        EnrollAttempt.outcome == outcomes.PENDING, EnrollAttempt.host_uuid == attempt.host_uuid
    )):
        other.outcome, other.decided_at, other.node_key_hash = outcomes.SUPERSEDED, now, None
    return host


def deny(session: Session, ref: str, now: dt.datetime) -> EnrollAttempt:
    """Refuse a pending enrollment: its node key never works."""
    attempt = find_pending(session, ref)
    attempt.outcome, attempt.decided_at, attempt.node_key_hash = outcomes.DENIED, now, None
    return attempt


def revoke(session: Session, name: str, now: dt.datetime) -> Host:
    """Cut a host off: its node key stops working, and it can come back only
    through an approved enrollment. Its history stays."""
    host = find_host(session, name)
    host.node_key_hash = None
    host.revoked_at = now
    return host


def require_approval(session: Session, unit_name: str, required: bool) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.name == unit_name.strip()))
    if unit is None:
        raise NotFound.of("no_unit", name=unit_name)
    unit.approve_new_hosts = required
    return unit
