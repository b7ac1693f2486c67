"""The database's own floor for storing one new host: a raw DBAPI
``executemany`` of its ``host_software`` links, in one transaction.

For each host already stored, a new host row of the same unit is created and
the host's software ids are inserted for it with the driver's ``executemany``
(no ORM, no diff, no matching), then committed; the seconds of the insert and
the commit are what one new host's links cost the database at least. The
ingest benchmark divides its own new-host time by this one.
"""
from __future__ import annotations

import datetime as dt
import time
import uuid

from sqlalchemy import Engine, insert, select

from server.db.models import Host, HostSoftware


def _placeholders(engine: Engine, count: int) -> str:
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def raw_links_seconds(engine: Engine, host_ids: list[int]) -> list[float]:
    """Seconds to executemany-insert and commit each host's links for a new host."""
    sql = f"INSERT INTO host_software (host_id, software_id, first_seen) VALUES ({_placeholders(engine, 3)})"
    seconds = []
    for host_id in host_ids:
        with engine.connect() as connection:
            unit_id, links = connection.execute(select(Host.unit_id).where(Host.id == host_id)).scalar_one(), list(
                connection.scalars(select(HostSoftware.software_id).where(HostSoftware.host_id == host_id)))
            copy = connection.execute(insert(Host).values(uuid=str(uuid.uuid4()), hostname="links-floor",
                                                          unit_id=unit_id).returning(Host.id)).scalar_one()
            connection.commit()
            now = dt.datetime.now(dt.timezone.utc)
            rows = [(copy, software_id, now) for software_id in links]
            start = time.perf_counter()
            connection.begin()
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.executemany(sql, rows)
            cursor.close()
            connection.commit()
            seconds.append(time.perf_counter() - start)
    return seconds
