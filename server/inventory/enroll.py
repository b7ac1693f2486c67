"""Enrollment: an admin's secret per unit, exchanged for a per-host node key.

Host identity cannot be taken over with a secret alone. A secret enrolls a
*new* host into its own unit (at once, or pending an admin's approval when
the unit asks for it). A *known* host is re-keyed only with proof: the node
key it holds now. Without proof (a reinstalled PC, or somebody else naming
its uuid), or with another unit's secret, the enrollment waits for
``patchgap host approve``; the host keeps reporting with its current key
meanwhile. Every attempt is recorded (``EnrollAttempt``).

Only SHA-256 hashes of secrets and node keys are stored. Both are 32 random
bytes, so a fast hash is enough (no password stretching needed).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import EnrollAttempt, EnrollSecret, Host, Unit, utcnow
from server.errors import AuthError, InvalidInput, NotFound, PatchgapError, PendingApproval
from server.inventory import outcomes
from server.inventory.throttle import EnrollLimits, check_enroll_rate

SECRET_PREFIX = "pge_"
NODE_KEY_PREFIX = "pgn_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_node_key() -> str:
    return NODE_KEY_PREFIX + secrets.token_urlsafe(32)


def get_or_create_unit(session: Session, name: str) -> Unit:
    name = name.strip()
    if not name:
        raise InvalidInput.of("unit_needs_name")
    unit = session.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(name=name)
        session.add(unit)
        session.flush()
    return unit


@dataclass(frozen=True)
class NewSecret:
    secret: str  # shown once, never stored
    prefix: str
    unit: str


def create_secret(session: Session, unit_name: str) -> NewSecret:
    unit = get_or_create_unit(session, unit_name)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[: len(SECRET_PREFIX) + 6]
    session.add(EnrollSecret(unit_id=unit.id, secret_hash=token_hash(secret), prefix=prefix))
    session.flush()
    return NewSecret(secret=secret, prefix=prefix, unit=unit.name)


def list_secrets(session: Session) -> list[EnrollSecret]:
    return list(session.scalars(select(EnrollSecret).order_by(EnrollSecret.id)))


def revoke_secret(session: Session, prefix: str) -> EnrollSecret:
    """Revoke by the prefix ``enroll-secret list`` shows (or the whole secret)."""
    prefix = prefix[: len(SECRET_PREFIX) + 6]
    found = session.scalars(select(EnrollSecret).where(EnrollSecret.prefix == prefix)).all()
    if not found:
        raise NotFound.of("no_secret", prefix=prefix)
    for row in found:
        if row.revoked_at is None:
            row.revoked_at = utcnow()
    return found[0]


@dataclass(frozen=True)
class Enrolled:
    node_key: str
    host_id: int  # 0 while pending: an unapproved caller learns nothing of the host
    unit: str
    status: str  # outcomes.ENROLLED or outcomes.PENDING

    def to_wire(self) -> wire.EnrollResponse:
        return wire.EnrollResponse(node_key=self.node_key, host_id=self.host_id, unit=self.unit, status=self.status)


@dataclass(frozen=True)
class Refused:
    """An enrollment refused and recorded: the caller commits the record,
    then answers with ``error``."""

    error: PatchgapError


def enroll(session: Session, request: wire.EnrollRequest, source: str, now: dt.datetime,
           limits: EnrollLimits = EnrollLimits()) -> Enrolled | Refused:
    """Exchange an enroll secret for a node key, under the identity rules above.

    Raises Throttled, recording nothing, when the source or the secret has
    been used too often."""
    secret = session.scalar(
        select(EnrollSecret).where(EnrollSecret.secret_hash == token_hash(request.enroll_secret))
    )
    check_enroll_rate(session, source, secret.id if secret else None, now, limits)
    # Provisional outcome; the decision below sets the real one.
    attempt = EnrollAttempt(at=now, source_address=source, host_uuid=request.host_uuid, hostname=request.hostname,
                            outcome=outcomes.REFUSED)
    session.add(attempt)
    if secret is None or secret.revoked_at is not None:
        attempt.outcome, attempt.reason = outcomes.BAD_SECRET, outcomes.UNKNOWN_SECRET
        attempt.secret_id = secret.id if secret else None
        return Refused(AuthError("unknown or revoked enroll secret"))
    attempt.secret_id, attempt.unit_id = secret.id, secret.unit_id
    if not request.host_uuid.strip():
        attempt.outcome, attempt.reason = outcomes.REFUSED, outcomes.EMPTY_UUID
        return Refused(InvalidInput("host_uuid is empty"))
    node_key = new_node_key()
    host = session.scalar(select(Host).where(Host.uuid == request.host_uuid).with_for_update())
    reason = _needs_approval(host, secret, request)
    if reason:
        attempt.outcome, attempt.reason, attempt.host_id = outcomes.PENDING, reason, host.id if host else None
        attempt.node_key_hash = token_hash(node_key)
        session.flush()
        return Enrolled(node_key, 0, secret.unit.name, outcomes.PENDING)
    if host is None:
        host = Host(uuid=request.host_uuid, hostname=request.hostname, unit_id=secret.unit_id, enrolled_at=now)
        session.add(host)
        attempt.outcome = outcomes.ENROLLED
    else:
        attempt.outcome = outcomes.REKEYED
    host.hostname = request.hostname or host.hostname
    host.node_key_hash = token_hash(node_key)
    session.flush()
    attempt.host_id = host.id
    return Enrolled(node_key, host.id, secret.unit.name, outcomes.ENROLLED)


def _needs_approval(host: Host | None, secret: EnrollSecret, request: wire.EnrollRequest) -> str:
    """Why this enrollment must wait for an admin (a reason code), or ""."""
    if host is None:
        return outcomes.NEW_HOST_NEEDS_APPROVAL if secret.unit.approve_new_hosts else ""
    if host.revoked_at is not None:
        return outcomes.HOST_REVOKED
    if not request.node_key or not host.node_key_hash:
        return outcomes.NO_PROOF
    if not hmac.compare_digest(token_hash(request.node_key), host.node_key_hash):
        return outcomes.WRONG_KEY
    if host.unit_id != secret.unit_id:
        return outcomes.OTHER_UNIT
    return ""


def authenticate(session: Session, node_key: str, *, lock: bool = False) -> Host:
    """The host a node key belongs to. ``lock`` takes the host's row lock
    (PostgreSQL), so two reports of one host are applied one after the other.
    A key issued to an enrollment still waiting for approval raises
    PendingApproval."""
    if not node_key.startswith(NODE_KEY_PREFIX):
        raise AuthError("malformed node key")
    digest = token_hash(node_key)
    query = select(Host).where(Host.node_key_hash == digest)
    host = session.scalar(query.with_for_update() if lock else query)
    # compare_digest keeps the final check constant-time; the lookup is by hash.
    if host is not None and hmac.compare_digest(host.node_key_hash or "", digest):
        return host
    pending = session.scalar(
        select(EnrollAttempt.id).where(EnrollAttempt.node_key_hash == digest, EnrollAttempt.outcome == outcomes.PENDING)
    )
    if pending is not None:
        raise PendingApproval(f"enrollment #{pending} awaits an admin's approval (patchgap host approve {pending})")
    raise AuthError("unknown node key: enroll again")
