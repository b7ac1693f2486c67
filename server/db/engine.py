"""Engine and session factories. Nothing is built at import time.

On SQLite every transaction begins ``IMMEDIATE`` (it takes the write lock
first, waiting up to the busy timeout) unless it is opened through
:func:`make_reader`: a deferred transaction that reads and then writes fails
at once with "database is locked" when another connection committed in
between, and SQLite's busy timeout never applies to that case.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from server.errors import DatabaseError


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and route it to psycopg 3 (SQLAlchemy's default
    would be psycopg2, which we do not install)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite gets WAL, a busy timeout and foreign keys."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r} ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True, connect_args={"prepare_threshold": None})
        except ModuleNotFoundError as exc:
            raise DatabaseError(
                f"PostgreSQL needs psycopg 3: pip install 'patchgap[postgres]' ({exc})"
            ) from None
    raise DatabaseError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
    )


# An acknowledged report must survive a power cut: in WAL mode only FULL
# syncs the log at every commit (NORMAL may lose the last commits). The
# environment variable exists for benchmarks that measure the difference.
SQLITE_SYNCHRONOUS_ENV = "PATCHGAP_SQLITE_SYNCHRONOUS"
SQLITE_SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")
BEGIN_OPTION = "sqlite_begin"


def sqlite_synchronous() -> str:
    value = os.environ.get(SQLITE_SYNCHRONOUS_ENV, "FULL").strip().upper()
    if value not in SQLITE_SYNCHRONOUS:
        raise DatabaseError(f"{SQLITE_SYNCHRONOUS_ENV}={value!r}: use one of {', '.join(SQLITE_SYNCHRONOUS)}")
    return value


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # NOTE: pysqlite starts transactions lazily, on the first write, so a
    # SAVEPOINT opened first would run outside any transaction and a rollback
    # of the outer transaction would not undo it. Take transaction control from
    # the driver and emit BEGIN ourselves (SQLAlchemy's documented recipe,
    # "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the CLI read while `serve` writes; busy_timeout waits out short locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA synchronous={sqlite_synchronous()}")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    mode = connection.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for work that writes (SQLite: ``BEGIN IMMEDIATE``)."""
    return sessionmaker(engine, expire_on_commit=False)


def make_reader(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: on SQLite a deferred transaction, which in WAL
    mode never waits for writers nor makes them wait. Either way the whole
    transaction reads one snapshot (on PostgreSQL by REPEATABLE READ, which
    never fails a transaction that only reads): a report read in many
    statements adds up."""
    options: dict[str, str] = {BEGIN_OPTION: "DEFERRED"}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    return sessionmaker(engine.execution_options(**options), expire_on_commit=False)
