"""Keeping what a host's triage queries answered, only when it was asked."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import Host, TriageSnapshot
from server.errors import PatchgapError
from server.triage import requests


class NotRequested(PatchgapError):
    """A triage upload from a host nobody asked (not listed, no admin request)."""


def store(session: Session, host: Host, upload: wire.TriageUpload, collected_at: dt.datetime,
          now: dt.datetime) -> TriageSnapshot:
    """Keep ``upload`` and fulfil the host's pending request; NotRequested
    (and nothing stored) when none is pending."""
    if requests.pending(session, host.id) is None:
        raise NotRequested.of("triage_not_requested", host=host.hostname)
    snapshot = TriageSnapshot(
        host_id=host.id, received_at=now, collected_at=collected_at, source=upload.source,
        results=[dataclasses.asdict(result) for result in upload.results], skipped=list(upload.skipped),
    )
    session.add(snapshot)
    session.flush()
    requests.fulfil(session, host.id, snapshot.id, now)
    return snapshot


def latest(session: Session, host_id: int) -> TriageSnapshot | None:
    """The host's most recent snapshot."""
    return session.scalar(
        select(TriageSnapshot).where(TriageSnapshot.host_id == host_id)
        .order_by(TriageSnapshot.received_at.desc(), TriageSnapshot.id.desc()).limit(1)
    )
