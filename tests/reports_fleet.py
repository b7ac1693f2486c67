"""The demo province (``server.demo``) on a fixed day, for report tests and
golden files: about forty hosts in a unit tree, three warning letters, three
weeks of reports ending on Sunday 29/11/2026 (the week 2026-W48).

Building it runs about 500 reports through the real ingest and matching
(tens of seconds): build it once per test and read it many times, or use
:func:`sqlite_fleet`, which builds one SQLite file per test session and hands
out copies.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.db import migrate
from server.db.engine import make_engine, make_sessionmaker
from server.demo import Province, build_province
from server.reports import period as periods
from server.reports.build import build
from server.reports.model import Period, WeeklyReport

TODAY = dt.date(2026, 11, 29)  # a Sunday
SEED = 7
WEEK = periods.ending(TODAY)  # 2026-W48
# The moment the reports say they were made: the Monday after the week.
GENERATED = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.timezone.utc)


def build_fleet(sessions: sessionmaker[Session], today: dt.date = TODAY, seed: int = SEED) -> Province:
    """Build the province into an empty, migrated database."""
    with sessions.begin() as session:
        return build_province(session, today, seed)


def weekly(sessions: sessionmaker[Session], period: Period = WEEK, units: tuple[str, ...] = (),
           with_gaps: bool = True) -> WeeklyReport:
    """The weekly report as ``report weekly`` builds it, dated :data:`GENERATED`."""
    with sessions.begin() as session:
        return build(session, period, list(units), now=GENERATED, with_gaps=with_gaps)


_BUILT: dict[int, tuple[Path, Province]] = {}


def sqlite_fleet(tmp_path_factory: pytest.TempPathFactory, folder: Path, seed: int = SEED) -> tuple[str, Province]:
    """(database URL, province): a copy in ``folder`` of a SQLite fleet built
    once per test session."""
    if seed not in _BUILT:
        path = tmp_path_factory.mktemp("fleet") / f"fleet-{seed}.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        province = build_fleet(make_sessionmaker(engine), seed=seed)
        with engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        _BUILT[seed] = (path, province)
    master, province = _BUILT[seed]
    copy = folder / master.name
    shutil.copyfile(master, copy)
    return f"sqlite:///{copy}", province
