"""Who is asking, at the API's edge: enrollment under the host-identity
rules, node keys from the Authorization header, the host a key belongs to.
Shared by the report routes (app), the delta route and osquery's routes."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from collector import limits, wire
from server.api.problems import ApiError
from server.api.writers import WriteQueue
from server.errors import AuthError, PendingApproval, Throttled
from server.inventory import enroll as enrollment
from server.settings import Settings
from server.triage import requests as triage_requests
from server.triage import snapshots

log = logging.getLogger("patchgap.api")

# Two first enrollments of one new host at once collide on its uuid on
# PostgreSQL; the loser's retry then sees the host and follows the rules.
ENROLL_RETRIES = 3


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def run_enrollment(writer: sessionmaker[Session], queue: WriteQueue, request: wire.EnrollRequest, source: str,
                   settings: Settings) -> wire.EnrollResponse:
    """Enroll under the host-identity rules (``/api/v1/enroll`` and osquery's
    enroll endpoint alike); ApiError 403/422/429 when refused or throttled."""
    for attempt in range(ENROLL_RETRIES):
        try:
            with queue.turn(), writer.begin() as session:
                result = enrollment.enroll(session, request, source, utcnow(), settings.enroll_limits)
            break
        except Throttled as exc:
            log.warning("enrollment throttled: %s", exc)
            raise ApiError(429, str(exc), {"Retry-After": str(exc.retry_after)}) from None
        except IntegrityError:
            if attempt == ENROLL_RETRIES - 1:
                raise
    if isinstance(result, enrollment.Refused):
        log.warning("enrollment refused from %s for %r: %s", source, request.host_uuid, result.error)
        raise ApiError(403 if isinstance(result.error, AuthError) else 422, str(result.error))
    log.info("enrollment %s from %s: host %s (%s)", result.status, source, request.hostname, request.host_uuid)
    return result.to_wire()


def authenticate(reader: sessionmaker[Session], node_key: str, triage_asked: bool = False) -> None:
    """401/423 for a bad key; with ``triage_asked``, 409 unless a triage snapshot is asked of the host."""
    with reader() as session:
        host = host_of(session, node_key, lock=False)
        if triage_asked and triage_requests.pending(session, host.id) is None:
            raise ApiError(409, str(snapshots.NotRequested.of("triage_not_requested", host=host.hostname)))


def host_of(session: Session, node_key: str, *, lock: bool):  # type: ignore[no-untyped-def]
    try:
        return enrollment.authenticate(session, node_key, lock=lock)
    except AuthError as exc:
        raise ApiError(401, str(exc)) from None
    except PendingApproval as exc:
        raise ApiError(423, str(exc)) from None


def bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "missing 'Authorization: Bearer <node key>'")
    if len(token) > limits.TOKEN or not token.isascii():
        raise ApiError(401, "malformed node key")
    return token
