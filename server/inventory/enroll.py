"""Enrollment: an admin's secret per unit, exchanged once for a per-host node key.

Only SHA-256 hashes of secrets and node keys are stored. Both are 32 random
bytes, so a fast hash is enough (no password stretching needed).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import EnrollSecret, Host, Unit, utcnow
from server.errors import AuthError, InvalidInput, NotFound

SECRET_PREFIX = "pge_"
NODE_KEY_PREFIX = "pgn_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def get_or_create_unit(session: Session, name: str) -> Unit:
    name = name.strip()
    if not name:
        raise InvalidInput("a unit needs a name")
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
        raise NotFound(f"no enroll secret starts with {prefix!r}")
    for row in found:
        if row.revoked_at is None:
            row.revoked_at = utcnow()
    return found[0]


def enroll(session: Session, request: wire.EnrollRequest) -> tuple[str, Host]:
    """Exchange an enroll secret for a node key. A host that enrolls again
    (reinstalled collector) keeps its history and gets a fresh key."""
    row = session.scalar(
        select(EnrollSecret).where(EnrollSecret.secret_hash == token_hash(request.enroll_secret))
    )
    if row is None or row.revoked_at is not None:
        raise AuthError("unknown or revoked enroll secret")
    if not request.host_uuid.strip():
        raise InvalidInput("host_uuid is empty")
    node_key = NODE_KEY_PREFIX + secrets.token_urlsafe(32)
    host = session.scalar(select(Host).where(Host.uuid == request.host_uuid))
    if host is None:
        host = Host(uuid=request.host_uuid, hostname=request.hostname, unit_id=row.unit_id)
        session.add(host)
    host.unit_id = row.unit_id
    host.hostname = request.hostname or host.hostname
    host.node_key_hash = token_hash(node_key)
    host.enrolled_at = utcnow()
    session.flush()
    return node_key, host


def authenticate(session: Session, node_key: str) -> Host:
    """The host a node key belongs to."""
    if not node_key.startswith(NODE_KEY_PREFIX):
        raise AuthError("malformed node key")
    digest = token_hash(node_key)
    host = session.scalar(select(Host).where(Host.node_key_hash == digest))
    # compare_digest keeps the final check constant-time; the lookup is by hash.
    if host is None or not hmac.compare_digest(host.node_key_hash or "", digest):
        raise AuthError("unknown node key: enroll again")
    return host
