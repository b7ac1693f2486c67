"""What the database holds for each benchmark host, read straight with
SQLAlchemy after the server is done, and how it compares with what the
collectors sent and were told.

A host's stored state is its ``last_collected_at`` and the set of its
software keys (``host_software`` joined to ``software.key``), summarised
as a count and a digest (:func:`bench.reports_gen.set_digest`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Host, HostSoftware, Software

from bench.reports_gen import Prepared, set_digest


@dataclass(frozen=True)
class Stored:
    last_collected_at: dt.datetime | None
    packages: int
    digest: str


def stored_state(db_url: str, uuids: list[str]) -> dict[str, Stored]:
    """Stored state by host uuid (hosts missing from the database are absent)."""
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            hosts = {uuid: (host_id, last) for host_id, uuid, last in session.execute(
                select(Host.id, Host.uuid, Host.last_collected_at).where(Host.uuid.in_(uuids)))}
            keys: dict[int, set[str]] = {host_id: set() for host_id, _ in hosts.values()}
            rows = session.execute(select(HostSoftware.host_id, Software.key)
                                   .join(Software, Software.id == HostSoftware.software_id)
                                   .where(HostSoftware.host_id.in_(list(keys))))
            for host_id, key in rows:
                keys[host_id].add(key)
    finally:
        engine.dispose()
    return {uuid: Stored(_utc(last), len(keys[host_id]), set_digest(keys[host_id]))
            for uuid, (host_id, last) in hosts.items()}


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


@dataclass
class Verdict:
    """Hosts counted by how their stored state relates to what they sent."""

    hosts: int = 0
    exact: int = 0  # holds exactly its last acknowledged report
    newer: int = 0  # holds a later report that was sent but not acknowledged (whole)
    half_written: int = 0  # matches no report it sent, or its date and software disagree
    lost: int = 0  # older than its last acknowledged report (or missing it)
    nothing: int = 0  # nothing acknowledged and nothing stored

    def notes(self) -> str:
        return (f"{self.exact:,} hold their last acknowledged report, {self.newer:,} a later unacknowledged one, "
                f"{self.nothing:,} had nothing acknowledged and hold nothing")


def judge(state: dict[str, Stored], sent: dict[str, list[Prepared]], acked: dict[str, list[Prepared]]) -> Verdict:
    """Compare each host's stored state with the reports it sent and the ones acknowledged.

    A stored state is whole when its ``last_collected_at`` is that of a report
    the host sent and its software set is exactly that report's; anything else
    is half-written. It is lost when older than the newest acknowledged report."""
    verdict = Verdict()
    for uuid, reports in sent.items():
        verdict.hosts += 1
        last_ack = max((p.collected_at for p in acked.get(uuid, [])), default=None)
        stored = state.get(uuid)
        at = stored.last_collected_at if stored else None
        if at is None:
            if stored is not None and stored.packages:
                verdict.half_written += 1
            elif last_ack is not None:
                verdict.lost += 1
            else:
                verdict.nothing += 1
            continue
        same = [p for p in reports if p.collected_at == at]
        if not same or same[0].digest != stored.digest:  # type: ignore[union-attr]
            verdict.half_written += 1
        elif last_ack is not None and at < last_ack:
            verdict.lost += 1
        elif last_ack is not None and at == last_ack:
            verdict.exact += 1
        else:
            verdict.newer += 1
    return verdict
