"""The database's own floor for the work the matcher and ingest do.

A naive loop says how much worse a first implementation would be; the floor
says how close patchgap is to what the database itself needs to write the
same rows. Each floor runs in a transaction that is rolled back, so the
populated state is left as it was:

- full re-match: every (host, matched software) pair of the plain join of
  ``host_software`` with ``software_matches`` written into ``findings`` in
  one ``INSERT ... SELECT`` (the table emptied first, untimed), in the join
  order that suits it; on
  PostgreSQL also the same rows sent by ``COPY ... FROM STDIN`` (read first,
  untimed). The floor is the faster of the two.
- ingest: one report's ``host_software`` links deleted (untimed) and written
  back by the driver's bulk path (``executemany`` on SQLite, ``COPY`` on
  PostgreSQL), median over the sampled hosts.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from server.db.models import Finding, HostSoftware, UtcDateTime
from server.matching.findings import COLUMNS

from bench.load import bulk_insert


@dataclass
class Floor:
    rows: int
    insert_select: float  # seconds; for ingest: the driver's executemany / COPY
    copy: float | None = None  # PostgreSQL only

    @property
    def seconds(self) -> float:
        return min(s for s in (self.insert_select, self.copy) if s is not None)


# software_matches first: written as CROSS JOINs, which fix SQLite's join
# order (never ANALYZEd, it would walk all of host_software and probe
# software_matches for each row); PostgreSQL plans them as inner joins.
JOINED = """SELECT hs.host_id, sm.affected_id, sm.software_id, a.advisory_pk, 'floor', '', s.version,
       a.fixed_version, :now
FROM software_matches AS sm CROSS JOIN host_software AS hs CROSS JOIN affected AS a CROSS JOIN software AS s
WHERE hs.software_id = sm.software_id AND a.id = sm.affected_id AND s.id = sm.software_id"""


def _joined(prefix: str = ""):  # type: ignore[no-untyped-def]
    """host_software x software_matches, in the columns a finding stores."""
    return text(prefix + JOINED).bindparams(bindparam("now", type_=UtcDateTime()))


def rematch_floor(sessions: sessionmaker[Session], now: dt.datetime) -> Floor:
    """The join of host software with matched software, written to findings."""
    with sessions() as session:
        dialect = session.get_bind().dialect.name
        session.execute(delete(Finding))
        start = time.perf_counter()
        rows = session.execute(_joined(f"INSERT INTO findings ({', '.join(COLUMNS)}) "), {"now": now},
                               execution_options={"preserve_rowcount": True}).rowcount
        seconds = time.perf_counter() - start
        session.rollback()
    copy = None
    if dialect == "postgresql":
        with sessions() as session:
            joined = [tuple(row) for row in session.execute(_joined(), {"now": now})]
            session.execute(delete(Finding))
            start = time.perf_counter()
            bulk_insert(session.connection(), "findings", COLUMNS, joined)
            copy = time.perf_counter() - start
            session.rollback()
    return Floor(rows, seconds, copy)


def links_floor(sessions: sessionmaker[Session], hosts: Sequence[int], now: dt.datetime) -> Floor:
    """One report's links written by the driver's bulk path (median of hosts)."""
    times, sizes = [], []
    for host_id in [hosts[0], *hosts]:  # the first run only warms caches
        with sessions() as session:
            ids = session.scalars(select(HostSoftware.software_id).where(HostSoftware.host_id == host_id)).all()
            session.execute(delete(HostSoftware).where(HostSoftware.host_id == host_id))
            start = time.perf_counter()
            bulk_insert(session.connection(), "host_software", ("host_id", "software_id", "first_seen"),
                        ((host_id, sw_id, now) for sw_id in ids))
            times.append(time.perf_counter() - start)
            sizes.append(len(ids))
            session.rollback()
    return Floor(int(statistics.median(sizes[1:])), statistics.median(times[1:]))
