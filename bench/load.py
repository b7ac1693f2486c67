"""Bulk loading for the benchmark: a fresh database and fast inserts.

Small tables go through SQLAlchemy Core ``insert()``. The big ones
(``host_software`` has ~12 million rows for 10,000 hosts) go through the
driver's own bulk path on the same connection: ``executemany`` on SQLite,
``COPY ... FROM STDIN`` on PostgreSQL. Values are given in the form the
column types store (timestamps as SQLAlchemy's SQLite text, JSON as text).
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from server.db import migrate
from server.db.engine import make_engine, normalise_url

STAMP = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)


def fresh_database(db: str, workdir: Path) -> tuple[str, str | None]:
    """(URL of a new migrated database, admin URL to drop it afterwards or None).

    ``db`` is ``sqlite`` (a file in ``workdir``) or a PostgreSQL URL whose
    database is used as the admin connection to create a scratch database."""
    if db == "sqlite":
        path = workdir / "bench.sqlite3"
        for stale in workdir.glob("bench.sqlite3*"):
            stale.unlink()
        url = f"sqlite:///{path}"
        admin = None
    else:
        admin = normalise_url("postgresql://" + db.split("://", 1)[1] if db.startswith("postgres") else db)
        name = f"patchgap_bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url, admin


def drop_database(url: str, admin: str | None) -> None:
    if admin is None:
        return
    name = make_url(normalise_url(url)).database
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _sqlite_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def _pg_value(value: object) -> object:
    return json.dumps(value) if isinstance(value, (list, dict)) else value


def bulk_insert(connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]],
                batch: int = 100_000) -> int:
    """Insert ``rows`` (tuples in ``columns`` order); returns the row count."""
    names = ", ".join(columns)
    count = 0
    raw = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
        cursor = raw.cursor()  # type: ignore[union-attr]
        chunk: list[tuple[object, ...]] = []
        for row in rows:
            chunk.append(tuple(_sqlite_value(v) for v in row))
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
        return count
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([_pg_value(v) for v in row])
            count += 1
    return count


def after_load(engine: Engine) -> None:
    """PostgreSQL: ANALYZE, as autovacuum would after a bulk load and sequences
    past the ids we wrote. SQLite gets nothing: patchgap never runs ANALYZE."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        for table in ("hosts", "software", "advisories", "affected", "units"):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"))
        connection.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
