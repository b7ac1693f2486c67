"""``python -m bench.history``: what a year of weekly reports leaves in the database, in bytes per host-year.

    .venv/bin/python -m bench.history --hosts 2000 --db both --pg postgresql://user:pw@127.0.0.1/postgres
    .venv/bin/python -m bench.history --hosts 200 --db sqlite            # quick

A year (52 weeks) of a fleet's history is written as the server leaves it:
each host keeps ``--open`` open findings; every week ``--churn`` of them are
fixed (the finding is resolved, kept as history) and as many new ones open
(new advisories); each host reports on working days; its address changes
``--moves`` times a year (DHCP), each address kept with when it was seen.
Then ``report weekly`` keeps each ended week's per-host figures, as it does
once per week (``weeks.keep_ended``). The database's size is measured before
and after, per table with its indexes, and divided by the hosts: bytes per
host-year. Then a report of a week in the middle of the year (the gap list
``--as-of`` that week's end, the weekly report of that week) and of the last
week are timed beside the floor of the same moment (the GROUP BY of the
findings open then, fetched by the driver). A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, text

from server.db.engine import make_engine, make_reader, make_sessionmaker
from server.db.models import Advisory, Affected, Host, Unit

from bench.load import after_load, bulk_insert, drop_database, fresh_database

START = dt.datetime(2025, 12, 8, 8, 0, tzinfo=dt.timezone.utc)  # a Monday: week 1 of the simulated year
WEEKS = 52
ADVISORIES = 5_000
TABLES = ("findings", "host_report_days", "host_addresses", "week_host_gaps", "report_weeks")


def _size(engine: Engine) -> dict[str, int]:
    """Bytes of each history table with its indexes."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return {t: connection.execute(text(f"SELECT pg_total_relation_size('{t}')")).scalar_one() for t in TABLES}
        # SQLite: the pages of each table and of its indexes (dbstat), else the whole file.
        names = {t: [t] + connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"), {"t": t}).scalars().all()
            for t in TABLES}
        try:
            return {t: int(connection.execute(text(
                f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({', '.join(repr(n) for n in names[t])})"
            )).scalar_one()) for t in TABLES}
        except Exception:  # noqa: BLE001 - SQLite built without dbstat
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()
            size = connection.execute(text("PRAGMA page_size")).scalar_one()
            return {"whole file": pages * size}


def _fleet(engine: Engine, hosts: int) -> None:
    """One unit, the hosts, and the advisories (one affected item each) the
    findings name; through the tables' own defaults (a few thousand rows)."""
    with engine.begin() as connection:
        connection.execute(insert(Unit), [{"id": 1, "name": "Tỉnh Bench", "code": "BP"}])
        connection.execute(insert(Host), [
            {"id": h, "uuid": f"00000000-0000-4000-8000-{h:012d}", "hostname": f"pc-{h:05d}", "unit_id": 1,
             "platform": "windows", "os_name": "Windows 11 Pro", "enrolled_at": START - dt.timedelta(days=30)}
            for h in range(1, hosts + 1)])
        connection.execute(insert(Advisory), [
            {"id": a, "source": "msrc", "advisory_id": f"ADV-{a:05d}", "severity": ("critical", "high", "medium", "low")[a % 4],
             "cves": [f"CVE-2026-{a:05d}"], "deadline": (START + dt.timedelta(days=a % 400 - 30)).date()}
            for a in range(1, ADVISORIES + 1)])
        connection.execute(insert(Affected), [
            {"id": a, "advisory_pk": a, "ecosystem": "windows", "product": f"Product {a % 300}",
             "match_name": f"product {a % 300}", "fixed_version": f"10.0.{a}", "fixed_kbs": [f"KB50{a:05d}"]}
            for a in range(1, ADVISORIES + 1)])
    after_load(engine)


def _history(engine: Engine, hosts: int, open_per_host: int, churn: float, moves: int, seed: int) -> dict[str, int]:
    """A year of findings opened and closed, report days and addresses."""
    rng = random.Random(seed)
    fixed_a_week = max(1, round(open_per_host * churn))

    def findings():  # type: ignore[no-untyped-def]
        for h in range(1, hosts + 1):
            # Each slot holds one open finding at a time; a fixed one is replaced by a new one.
            slots = [(rng.randrange(1, ADVISORIES + 1), START - dt.timedelta(days=rng.randrange(1, 200)))
                     for _ in range(open_per_host)]
            for week in range(WEEKS):
                for slot in rng.sample(range(open_per_host), fixed_a_week):
                    advisory, since = slots[slot]
                    at = START + dt.timedelta(days=7 * week + rng.randrange(5), hours=rng.randrange(9))
                    yield (h, advisory, advisory, rng.randrange(1, 400_000), "bench", "", "10.0.1", f"10.0.{advisory}",
                           since, at)
                    slots[slot] = (rng.randrange(1, ADVISORIES + 1), at)
            for advisory, since in slots:
                yield (h, advisory, advisory, rng.randrange(1, 400_000), "bench", "", "10.0.1", f"10.0.{advisory}",
                       since, None)

    def report_days():  # type: ignore[no-untyped-def]
        for h in range(1, hosts + 1):
            for n in range(WEEKS * 7):
                day = START.date() + dt.timedelta(days=n)
                if day.weekday() < 5 and rng.random() < 0.95:
                    yield (h, day)

    def addresses():  # type: ignore[no-untyped-def]
        for h in range(1, hosts + 1):
            changes = sorted(rng.sample(range(1, WEEKS * 7), moves)) if moves else []
            bounds = [0, *changes, WEEKS * 7]
            for n, (first, last) in enumerate(zip(bounds, bounds[1:])):
                yield (h, f"10.{n % 200}.{h // 250 % 250}.{1 + h % 250}", "eth0", f"52:54:00:00:{h >> 8 & 255:02x}:"
                       f"{h & 255:02x}", "interface", START + dt.timedelta(days=first),
                       START + dt.timedelta(days=last - 1))

    with engine.begin() as connection:
        counts = {
            "findings": bulk_insert(connection, "findings", (
                "host_id", "advisory_pk", "affected_id", "software_id", "matcher", "matched_on", "installed_version",
                "fixed_version", "first_detected", "resolved_at"), findings()),
            "host_report_days": bulk_insert(connection, "host_report_days", ("host_id", "day"), report_days()),
            "host_addresses": bulk_insert(connection, "host_addresses", (
                "host_id", "address", "interface", "mac", "kind", "first_seen", "last_seen"), addresses()),
        }
    after_load(engine)
    return counts


def _period(week: int):  # type: ignore[no-untyped-def]
    from server.reports import period as periods
    return periods.last_complete((START + dt.timedelta(days=7 * week)).date())


def _keep_year(engine: Engine) -> tuple[int, float]:
    """What ``report weekly`` does once per ended week, for each week of the year."""
    from server.reports import weeks
    wanted = [_period(week) for week in range(1, WEEKS + 1)]
    start = time.perf_counter()
    kept = weeks.keep_ended(make_reader(engine), make_sessionmaker(engine), wanted, START + dt.timedelta(weeks=WEEKS))
    return kept, time.perf_counter() - start


def _timed(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _moments(engine: Engine, runs: int) -> list[tuple[str, float, float, str]]:
    """(what, seconds, floor seconds, the floor's work) for the weekly report and the gap
    list as of the middle and the end of the year."""
    from server.queries import gaps
    from server.reports import formats
    from server.reports.build import build
    from server.reports.render import render as render_rows

    from bench.report import _floor_sql, _gaps_command_sql

    reader = make_reader(engine)
    found = []
    for label, week in (("mid-year", WEEKS // 2), ("year's end", WEEKS)):
        period = _period(week)
        _, params = _floor_sql(engine, False)
        rows = 0

        def fetch(sql: str) -> None:
            nonlocal rows
            with engine.connect() as connection:
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                cursor.execute(sql, params(period.end))
                rows = len(cursor.fetchall())
                cursor.close()
                connection.rollback()

        def weekly() -> None:
            with reader.begin() as session:
                report = build(session, period, [], 7, now=period.end + dt.timedelta(hours=8), **formats.limits("text"))
            formats.render(report, "text", "vi")

        def gap_list() -> None:
            with reader.begin() as session:
                render_rows(list(gaps(session, period.end)), "csv", "vi")

        floor = _timed(runs, lambda: fetch(_floor_sql(engine, False)[0]))
        found.append((f"report weekly --week {period.iso_week} (text)", _timed(runs, weekly), floor,
                      f"GROUP BY of the {rows:,} open pairs"))
        floor = _timed(runs, lambda: fetch(_gaps_command_sql(engine, False)))
        found.append((f"gaps --as-of {period.last_day} --format csv", _timed(1, gap_list), floor,
                      f"its {rows:,} joined rows"))
    return found


def run(db: str, args: argparse.Namespace, workdir: Path) -> None:
    url, admin = fresh_database(db, workdir)
    engine = make_engine(url)
    try:
        _fleet(engine, args.hosts)
        before = _size(engine)
        start = time.perf_counter()
        counts = _history(engine, args.hosts, args.open, args.churn, args.moves, args.seed)
        written = time.perf_counter() - start
        kept, keep_seconds = _keep_year(engine)
        if engine.dialect.name == "sqlite":
            engine.dispose()
            vacuum = sqlite3.connect(engine.url.database or "", isolation_level=None)
            vacuum.execute("VACUUM")  # pages as a long-running database settles
            vacuum.close()
        after = _size(engine)
        name = "SQLite" if engine.dialect.name == "sqlite" else "PostgreSQL"
        print(f"\nbench.history on {name}: {args.hosts:,} hosts, one year ({WEEKS} weeks); {args.open} open findings a "
              f"host, {args.churn:.0%} of them fixed and replaced each week; {args.moves} address changes a host")
        print(f"written in {written:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items())
              + f"; {kept} weeks kept in {keep_seconds:.0f} s")
        total = 0
        for table in after:
            grown = after[table] - before.get(table, 0)
            total += grown
            print(f"  {table:<18}{grown / 2**20:>10,.1f} MiB{grown / args.hosts:>12,.0f} bytes per host-year")
        print(f"  {'total':<18}{total / 2**20:>10,.1f} MiB{total / args.hosts:>12,.0f} bytes per host-year "
              f"({total / args.hosts * 10_000 / 2**30:,.2f} GiB a year for 10,000 hosts)")
        for what, seconds, floor, described in _moments(engine, args.runs):
            print(f"  {what:<52}{seconds:>8.2f} s  {seconds / floor:>6.1f}x floor ({floor:.2f} s, {described})"
                  f"  goal 2 s {'met' if seconds < 2 else 'missed'}")
    finally:
        engine.dispose()
        drop_database(url, admin)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=2_000, help="fleet size (default 2000)")
    parser.add_argument("--db", default="sqlite", help="sqlite, a postgresql:// admin URL, or both")
    parser.add_argument("--pg", default=None, help="PostgreSQL admin URL for --db both "
                                                   "(default $PATCHGAP_TEST_POSTGRES_URL)")
    parser.add_argument("--open", type=int, default=220, help="open findings a host keeps (default 220)")
    parser.add_argument("--churn", type=float, default=0.05, help="share of them fixed each week (default 0.05)")
    parser.add_argument("--moves", type=int, default=12, help="address changes a host in the year (default 12)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed report; the median is shown")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)
    targets = [args.db]
    if args.db == "both":
        pg = args.pg or os.environ.get("PATCHGAP_TEST_POSTGRES_URL")
        if not pg:
            parser.error("--db both needs --pg URL or $PATCHGAP_TEST_POSTGRES_URL")
        targets = ["sqlite", pg]
    for db in targets:
        with tempfile.TemporaryDirectory(prefix="patchgap-history-") as tmp:
            run(db, args, Path(tmp))


if __name__ == "__main__":
    main()
