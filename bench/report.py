"""``python -m bench.report``: the weekly meeting report at fleet scale, beside the database's floor.

    .venv/bin/python -m bench.report --hosts 10000 --db sqlite
    .venv/bin/python -m bench.report --hosts 500 --db both --pg postgresql://user:pw@127.0.0.1/postgres   # quick

Populates a fleet as ``bench.matching`` does (child process), runs the full
re-match, then adds what the report reads and the matching bench does not
write (``shape``): a findings history, a unit tree, the days each host
reported, national warnings and KEV marks. The ended weeks a report reads
are then counted and kept, as ``report weekly`` does once per week before
its first report (timed on its own). Each format is then built and rendered,
for the whole province and for one district, in a fresh child process (its
own peak RSS; median of ``--runs``). The floor is the scan a report would
need without kept weeks: the open host–advisory pairs at the week's end,
grouped by the database and fetched by the driver. A benchmark, not a test:
it prints figures and never fails on them.
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import gc
import io
import multiprocessing
import os
import pstats
import queue as queues
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, select, text, update

from server.db.engine import make_engine, make_reader, make_sessionmaker
from server.db.models import Advisory, Host
from server.reports.formats import WITH_GAPS

from bench import measure
from bench.load import STAMP, bulk_insert, drop_database, fresh_database
from bench.matching import _populate
from bench.populate import Spec

FORMATS = ("text", "markdown", "json", "csv", "html", "xlsx")
TODAY = dt.date(2026, 12, 7)  # a Monday: the report is for the week that ended yesterday
GENERATED = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.timezone.utc)
BASE = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.timezone.utc)  # history is written backwards from here
REPORT_DAYS = 84  # host_report_days: the 12 weeks the trend shows
DETECTED_SPREAD = 330  # open findings: first detected up to this many days before BASE, by advisory
RESOLVED_EVERY = 4  # history: one resolved finding for every N open ones
RESOLVED_SPREAD = 182  # resolved over the last 26 weeks
DEADLINE_SPREAD, DEADLINE_PAST = 180, 120  # advisory deadlines: from 120 days before BASE to 60 after
PROVINCE, DISTRICTS, COMMUNES = "Tỉnh Bench", 10, 10
FIRST_UNIT = 1001
GOAL_SECONDS = 2.0
WITH_LIST = frozenset({"csv", "json"})  # the exports that carry every open pair: measured against the gap list's floor


def _period():  # type: ignore[no-untyped-def]
    from server.reports import period as periods
    return periods.last_complete(TODAY)


def district_name(n: int) -> str:
    return f"Huyện {n:02d}"


# --------------------------------------------------------------------------- shaping the fleet


@dataclass
class Fleet:
    hosts: int = 0
    open_findings: int = 0  # open at the end of the report week
    overdue: int = 0  # of those, past their advisory's deadline or KEV due date
    pairs: int = 0  # host–advisory pairs open then
    resolved: int = 0  # resolved findings kept as history
    units: int = 0
    report_days: int = 0
    warnings: int = 0
    deadlines: int = 0  # advisories with a deadline
    exploited: int = 0
    district: str = ""
    district_hosts: int = 0
    district_open: int = 0
    district_pairs: int = 0
    reused: str = ""  # the URL of a database an earlier --keep run built: its build figures are not known here
    rematch_seconds: float = 0.0
    shape_seconds: float = 0.0
    populate_seconds: float = 0.0


def _sqlite_stamp(days: str) -> str:
    """SQLite: BASE minus ``days`` (an SQL integer expression), in SQLAlchemy's storage format."""
    return f"strftime('%Y-%m-%d %H:%M:%S', :base, '-' || ({days}) || ' days') || '.000000'"


def _pg_stamp(days: str) -> str:
    return f"CAST(:base AS timestamptz) - make_interval(days => CAST(({days}) AS integer))"


def _history(engine: Engine) -> int:
    """Open findings first detected when their advisory arrived (spread over
    ``DETECTED_SPREAD`` days); resolved findings as history, each on another
    advisory so whole pairs resolve, resolved over the last 26 weeks."""
    sqlite = engine.dialect.name == "sqlite"
    stamp = _sqlite_stamp if sqlite else _pg_stamp
    base: object = BASE.strftime("%Y-%m-%d %H:%M:%S") if sqlite else BASE
    with engine.begin() as connection:
        top = connection.execute(text("SELECT max(id) FROM advisories")).scalar_one()
        connection.execute(text(
            f"UPDATE findings SET first_detected = {stamp(f'(advisory_pk * 613) % {DETECTED_SPREAD}')}"
            " WHERE resolved_at IS NULL"), {"base": base})
        # n runs over every integer among the copied rows: spreads taken modulo n cover every day.
        n = f"(id / {RESOLVED_EVERY})"
        resolved_days = f"({n} * 37) % {RESOLVED_SPREAD}"
        inserted = connection.execute(text(
            "INSERT INTO findings (host_id, advisory_pk, affected_id, software_id, matcher, matched_on,"
            " installed_version, fixed_version, first_detected, resolved_at)"
            f" SELECT host_id, (advisory_pk * 31) % {top} + 1, affected_id, software_id, matcher, matched_on,"
            f" installed_version, fixed_version, {stamp(f'{resolved_days} + 30 + {n} % 89')}, {stamp(resolved_days)}"
            f" FROM findings WHERE resolved_at IS NULL AND id % {RESOLVED_EVERY} = 0"), {"base": base}).rowcount
    return inserted


def _units(engine: Engine, rng: random.Random) -> int:
    """1 province > 10 districts > 10 communes each; hosts spread over communes
    of uneven size; the populate step's five flat units removed."""
    rows: list[tuple[object, ...]] = [(FIRST_UNIT, PROVINCE, None, "BP", STAMP, False)]
    communes = []
    for d in range(1, DISTRICTS + 1):
        district = FIRST_UNIT + d * (COMMUNES + 1)
        rows.append((district, district_name(d), FIRST_UNIT, f"BP{d:02d}", STAMP, False))
        for c in range(1, COMMUNES + 1):
            rows.append((district + c, f"Xã {d:02d}-{c:02d}", district, f"BP{d:02d}{c:02d}", STAMP, False))
            communes.append(district + c)
    with engine.begin() as connection:
        bulk_insert(connection, "units", ("id", "name", "parent_id", "code", "created_at", "approve_new_hosts"), rows)
        ids = connection.execute(select(Host.id).order_by(Host.id)).scalars().all()
        weights = [rng.uniform(0.3, 3.0) for _ in communes]
        moves = [{"b_id": h, "b_unit": u} for h, u in zip(ids, rng.choices(communes, weights, k=len(ids)))]
        connection.execute(update(Host).where(Host.id == bindparam("b_id")).values(unit_id=bindparam("b_unit")),
                           moves)
        connection.execute(text(f"DELETE FROM units WHERE id < {FIRST_UNIT}"))
        addresses = ((h, f"10.{h // 65536}.{h // 256 % 256}.{h % 256}", "eth0", "", "interface", STAMP, BASE)
                     for h in ids)
        bulk_insert(connection, "host_addresses",
                    ("host_id", "address", "interface", "mac", "kind", "first_seen", "last_seen"), addresses)
    return len(rows)


def _report_days(engine: Engine, rng: random.Random) -> int:
    """The last 12 weeks: most hosts report on most working days (office PCs
    are off at weekends), some rarely, some went silent, a few never."""
    last = BASE.date()
    days = [last - dt.timedelta(days=n) for n in range(REPORT_DAYS - 1, -1, -1)]

    with engine.connect() as connection:
        ids = connection.execute(select(Host.id).order_by(Host.id)).scalars().all()

    def rows():  # type: ignore[no-untyped-def]
        for host_id in ids:
            kind = rng.random()
            if kind < 0.005:
                continue  # never reported in the window
            stop = rng.randrange(REPORT_DAYS) if kind < 0.035 else REPORT_DAYS  # went silent
            weekday, weekend = (0.95, 0.3) if kind < 0.95 else (0.25, 0.1)  # sporadic
            for n, day in enumerate(days[:stop]):
                if rng.random() < (weekday if day.weekday() < 5 else weekend):
                    yield (host_id, day.isoformat())

    with engine.begin() as connection:
        return bulk_insert(connection, "host_report_days", ("host_id", "day"), rows())


def _deadlines(engine: Engine) -> int:
    """Deadlines on most advisories, as CERT letters and KEV give them: four in
    five advisories are due between 120 days before the report week and 60
    after (two thirds of them past), the rest have none; without them no gap
    would be overdue and the report would skip that work."""
    due = f"(id * 53) % {DEADLINE_SPREAD} - {DEADLINE_PAST}"
    value = (f"date(:base, ({due}) || ' days')" if engine.dialect.name == "sqlite"
             else f"CAST(:base AS date) + ({due})")
    with engine.begin() as connection:
        return connection.execute(text(f"UPDATE advisories SET deadline = {value} WHERE id % 5 <> 0"),
                                  {"base": BASE.date().isoformat()}).rowcount


def _warnings(engine: Engine) -> int:
    """Six national warning letters on advisories that affect many hosts:
    three past their deadline, one due within a week, two not yet; the
    advisory carries the letter's deadline, as ``resolve.warning_advisory`` does."""
    last = BASE.date()
    plan = [(0, 80, -60), (3, 50, -20), (10, 30, -2), (30, 14, 5), (60, 6, 25), (120, 3, None)]
    with engine.begin() as connection:
        ranked = connection.execute(text(
            "SELECT advisory_pk, count(DISTINCT host_id) FROM findings WHERE resolved_at IS NULL"
            " GROUP BY advisory_pk ORDER BY 2 DESC, 1 LIMIT 200")).all()
        rows = []
        for number, (rank, issued, due) in enumerate(plan, start=1):
            advisory_pk = ranked[min(rank, len(ranked) - 1)][0]
            cves = connection.execute(select(Advisory.cves).where(Advisory.id == advisory_pk)).scalar_one()
            deadline = last + dt.timedelta(days=due) if due is not None else None
            rows.append((number, f"{100 + number * 7}/CATTT-TTCC", "Cục An toàn thông tin",
                         last - dt.timedelta(days=issued), f"Cảnh báo lỗ hổng bảo mật {', '.join(cves)}", "high",
                         list(cves), deadline, advisory_pk, STAMP))
            connection.execute(update(Advisory).where(Advisory.id == advisory_pk).values(deadline=deadline))
        return bulk_insert(connection, "warnings", ("id", "number", "issuing_body", "issued_on", "subject", "severity",
                                                    "cves", "deadline", "advisory_pk", "imported_at"), rows)


def _exploited(engine: Engine) -> int:
    """About 1 % of advisories known exploited (KEV), due dates around the report week."""
    with engine.begin() as connection:
        ids = connection.execute(text("SELECT id FROM advisories WHERE id % 97 = 0")).scalars().all()
        due = [{"b_id": a, "b_due": BASE.date() + dt.timedelta(days=a % 150 - 120)} for a in ids]
        if due:
            connection.execute(update(Advisory).where(Advisory.id == bindparam("b_id"))
                               .values(exploited=True, kev_due_date=bindparam("b_due")), due)
    return len(ids)


def shape(engine: Engine, fleet: Fleet, seed: int, history: bool) -> None:
    rng = random.Random(seed)
    start = time.perf_counter()
    fleet.resolved = _history(engine) if history else 0
    fleet.units = _units(engine, rng)
    fleet.deadlines = _deadlines(engine)
    fleet.report_days = _report_days(engine, rng)
    fleet.warnings = _warnings(engine)
    fleet.exploited = _exploited(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))  # as autovacuum would after the rewrite
    fleet.shape_seconds = time.perf_counter() - start


# --------------------------------------------------------------------------- the floor


def _floor_sql(engine: Engine, scoped: bool) -> tuple[str, Callable[[dt.datetime], tuple[object, ...]]]:
    """The one scan the report cannot avoid, in the driver's own parameter style."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    scope = _in_unit(mark, "host_id") if scoped else ""
    sql = (f"SELECT host_id, advisory_pk, count(*), min(first_detected) FROM findings"
           f" WHERE first_detected <= {mark} AND (resolved_at IS NULL OR resolved_at > {mark}){scope}"
           f" GROUP BY host_id, advisory_pk")

    def params(at: dt.datetime) -> tuple[object, ...]:
        value: object = at.strftime("%Y-%m-%d %H:%M:%S.%f") if engine.dialect.name == "sqlite" else at
        return (value, value)

    return sql, params


def _unit_id(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM units WHERE name = :n"), {"n": name}).scalar_one()


def _in_unit(mark: str, host_column: str) -> str:
    """``host_column`` among the hosts of the unit given as the last three parameters and its subtree."""
    return (f" AND {host_column} IN (SELECT id FROM hosts WHERE unit_id IN (SELECT id FROM units WHERE id = {mark}"
            f" OR parent_id = {mark} OR parent_id IN (SELECT id FROM units WHERE parent_id = {mark})))")


def _gap_list_sql(engine: Engine, scoped: bool) -> str:
    """The exports' own floor: every finding open at the week's end with its
    item and fix (what the gap list is folded from), in host and advisory
    order, no Python between the database and the rows."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    return ("SELECT f.host_id, f.advisory_pk, s.name, a.product, f.installed_version, f.fixed_version, a.fixed_kbs,"
            " f.first_detected FROM findings f LEFT JOIN software s ON s.id = f.software_id"
            " LEFT JOIN affected a ON a.id = f.affected_id"
            f" WHERE f.first_detected <= {mark} AND (f.resolved_at IS NULL OR f.resolved_at > {mark})"
            f"{_in_unit(mark, 'f.host_id') if scoped else ''} ORDER BY f.host_id, f.advisory_pk, f.id")


def _gaps_command_sql(engine: Engine, scoped: bool) -> str:
    """``patchgap gaps``' own floor: the same joined rows in the same order,
    fetched by the driver with no Python row by row."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    return ("SELECT f.host_id, h.hostname, u.name, ad.advisory_id, ad.severity, ad.cves, s.name, a.product,"
            " f.installed_version, f.fixed_version, f.resolved_at IS NULL, a.fixed_version, a.fixed_kbs, ad.deadline,"
            " f.first_detected FROM findings f JOIN hosts h ON h.id = f.host_id JOIN units u ON u.id = h.unit_id"
            " JOIN advisories ad ON ad.id = f.advisory_pk LEFT JOIN software s ON s.id = f.software_id"
            " LEFT JOIN affected a ON a.id = f.affected_id"
            f" WHERE f.first_detected <= {mark} AND (f.resolved_at IS NULL OR f.resolved_at > {mark})"
            f"{_in_unit(mark, 'f.host_id') if scoped else ''}"
            " ORDER BY ad.deadline IS NULL, ad.deadline, u.name, h.hostname, ad.advisory_id, s.name, f.id")


def _fetched(url: str, unit: str | None, runs: int, sql_of: Callable[[Engine, bool], str],
             copy: bool = False) -> dict[str, Any]:
    """``sql_of``'s rows at the week's end executed and fetched by the
    driver's own cursor ``runs`` times; with ``copy`` on PostgreSQL also
    written out by the server itself (COPY … TO STDOUT)."""
    engine = make_engine(url)
    sql = sql_of(engine, unit is not None)
    _, params = _floor_sql(engine, False)
    args = params(_period().end) + ((_unit_id(engine, unit),) * 3 if unit else ())
    times, copies, rows, copied = [], [], 0, 0
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for _ in range(runs):
            start = time.perf_counter()
            cursor = raw.cursor()  # type: ignore[union-attr]
            cursor.execute(sql, args)
            found = cursor.fetchall()
            times.append(time.perf_counter() - start)
            rows = len(found)
            cursor.close()
            del found
            if copy and engine.dialect.name == "postgresql":
                start = time.perf_counter()
                with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT", args) as out:  # type: ignore[union-attr]
                    copied = sum(len(block) for block in out)
                copies.append(time.perf_counter() - start)
        connection.rollback()
    engine.dispose()
    return {"times": times, "rows": rows, "copy_times": copies, "copy_bytes": copied, "peak_mib": _peak_mib()}


def floor_child(url: str, unit: str | None, runs: int) -> dict[str, Any]:
    return _fetched(url, unit, runs, lambda engine, scoped: _floor_sql(engine, scoped)[0])


def gap_floor_child(url: str, unit: str | None, runs: int) -> dict[str, Any]:
    return _fetched(url, unit, runs, _gap_list_sql, copy=True)


def gaps_floor_child(url: str, unit: str | None, runs: int) -> dict[str, Any]:
    return _fetched(url, unit, runs, _gaps_command_sql)


def _counted(rows: Iterable[Any], tally: list[int]) -> Iterator[Any]:
    """``rows`` passed on as they are read, counted in ``tally[0]``."""
    for row in rows:
        tally[0] += 1
        yield row


def gaps_child(url: str, fmt: str, unit: str | None, runs: int, single_above: float, lang: str) -> dict[str, Any]:
    """``patchgap gaps [--unit U] --format fmt --as-of <the week's last day>``
    as the command runs it: the listing, then its rendering."""
    from server.botnet.match import listed_hosts
    from server.inventory import units as unit_options
    from server.cli.inventory import GAP_COLUMNS
    from server.queries import gaps
    from server.reports.render import render as render_rows, write_rows

    engine = make_engine(url)
    reader = make_reader(engine)
    at = _period().end
    with reader.begin() as session:
        session.execute(text("SELECT 1"))
    times: list[float] = []
    size, rows = 0, 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        columns = GAP_COLUMNS + (["first_detected"] if fmt != "table" else [])
        counted = [0]
        # As the command does: CSV and JSON written as the rows are read, a table from the whole list.
        with reader.begin() as session, tempfile.TemporaryFile("w+", encoding="utf-8") as out:
            chosen = unit_options.selected(session, (unit,) if unit else ())
            found = _counted(gaps(session, at, units=chosen, listed=listed_hosts(session, chosen, at)), counted)
            if fmt == "table":
                out.write(render_rows(list(found), fmt, lang, columns))
            else:
                write_rows(found, fmt, columns, out)
            out.flush()
            size = os.fstat(out.fileno()).st_size
        times.append(time.perf_counter() - start)
        rows = counted[0]
        if times[-1] > single_above:
            break
    engine.dispose()
    return {"times": times, "bytes": size, "rows": rows, "peak_mib": _peak_mib()}


# --------------------------------------------------------------------------- one format in a child


def _status(field: str) -> float:
    """A /proc/self/status figure in MiB. VmHWM, not ru_maxrss: a spawned
    child's ru_maxrss starts at its parent's peak (kept across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return _status("VmHWM")


def _rss_mib() -> float:
    return _status("VmRSS")


def format_child(url: str, fmt: str, unit: str | None, runs: int, single_above: float, lang: str) -> dict[str, Any]:
    """Build and render ``fmt`` ``runs`` times as ``report weekly`` does; one
    run only when the first takes longer than ``single_above`` seconds."""
    from importlib import import_module

    from server.reports import formats
    from server.reports.build import build, gap_list

    import_module(f"server.reports.formats.{fmt}")  # imported before the clock, as by the CLI at start-up
    engine = make_engine(url)
    reader = make_reader(engine)
    period = _period()
    units = [unit] if unit else []
    with reader.begin() as session:  # connect and warm the pool outside the clock
        session.execute(text("SELECT 1"))
    baseline = _rss_mib()
    times: list[float] = []
    size, shown = 0, {}
    streamed = fmt in formats.STREAMED
    for _ in range(runs):
        gc.collect()
        counted = [0]
        start = time.perf_counter()
        # As the command does: CSV and JSON written to their file as the gap list is read.
        with reader.begin() as session, tempfile.TemporaryFile() as out:
            report = build(session, period, units, 7, now=GENERATED, **formats.limits(fmt, streamed))  # type: ignore[arg-type]
            streamed_gaps = _counted(gap_list(session, period, units), counted) if streamed else None
            formats.write(report, fmt, lang, out, streamed_gaps)
            size = out.tell()
        times.append(time.perf_counter() - start)
        shown = {"new": len(report.new), "resolved": len(report.resolved),
                 "gaps": counted[0] if streamed else len(report.gaps),
                 "actions": len(report.actions), "silent": len(report.silent), "eol": len(report.end_of_life),
                 "units": len(report.per_unit), "warnings": len(report.warnings)}
        del report
        if times[-1] > single_above:
            break
    engine.dispose()
    return {"times": times, "bytes": size, "shown": shown, "baseline_mib": baseline, "peak_mib": _peak_mib()}


# --------------------------------------------------------------------------- keeping the ended weeks


def keep_child(url: str) -> dict[str, Any]:
    """What ``report weekly`` does once per ended week before its first
    report: count each host's figures from the findings history and keep
    them (the report week, its trend's weeks and the one before)."""
    from server.reports import weeks
    from server.reports.build import TREND_WEEKS

    engine = make_engine(url)
    wanted = weeks.needed(_period(), TREND_WEEKS)
    start = time.perf_counter()
    kept = weeks.keep_ended(make_reader(engine), make_sessionmaker(engine), wanted, GENERATED)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"total": seconds, "weeks": kept, "peak_mib": _peak_mib()}


# --------------------------------------------------------------------------- stages of the slowest format


# Helpers called once per pair, host or cell: a wrapper would cost more than they do.
NOT_TIMED = frozenset({"_percent", "_in_scope", "_detail", "_tree_rows", "_midnight", "_plain", "ending", "previous",
                       "_scoped", "_with_gaps", "as_utc", "rank", "exploited", "late", "severity", "severity_index",
                       "ended"})


def stages_child(url: str, fmt: str, unit: str | None, lang: str, profile: int) -> dict[str, Any]:
    """One ``report weekly`` run taken apart: every function of
    ``server.reports.build``, ``gapfacts`` and ``scope`` (and the render) is
    wrapped in a timer that knows its caller, so the tree adds up and each
    section splits into its queries and its own Python."""
    import inspect
    from importlib import import_module

    import openpyxl

    from server.reports import build as builder, formats, gapfacts, layout, scope as scopes, weeks
    from server.reports.build import build

    module = import_module(f"server.reports.formats.{fmt}")
    calls: dict[tuple[str, ...], list[float]] = {}  # call path -> [calls, seconds]
    entered: dict[tuple[str, ...], int] = {}  # call path -> when first entered
    stack: list[str] = []

    def timer(label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            stack.append(label)
            path = tuple(stack)
            entered.setdefault(path, len(entered))
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                record = calls.setdefault(path, [0, 0.0])
                record[0] += 1
                record[1] += time.perf_counter() - start
                stack.pop()
        return timed

    for owner, prefix in ((builder, "build."), (gapfacts, "gapfacts."), (scopes, "scope."), (weeks, "weeks.")):
        for name, value in list(vars(owner).items()):
            if inspect.isfunction(value) and name not in NOT_TIMED and name != "build":
                if value.__module__ == owner.__name__:
                    setattr(owner, name, timer(prefix + name, value))
                elif owner is builder and value.__module__.startswith("server."):  # imported by name
                    setattr(owner, name, timer(f"{value.__module__.rsplit('.', 1)[-1]}.{name}", value))
    scopes.Scope.host_units = timer("Scope.host_units", scopes.Scope.host_units)  # type: ignore[method-assign]
    if hasattr(module, "sections"):
        module.sections = timer("layout.sections", layout.sections)  # type: ignore[attr-defined]
    if hasattr(module, "tabulate"):
        module.tabulate = timer("tabulate", module.tabulate)  # type: ignore[attr-defined]
    if fmt == "xlsx":
        for name in ("_section", "_warnings", "_gaps"):
            setattr(module, name, timer(f"xlsx.{name}", getattr(module, name)))
        openpyxl.Workbook.save = timer("openpyxl Workbook.save", openpyxl.Workbook.save)  # type: ignore[method-assign]
    if fmt == "json":
        module.dataclasses.asdict = timer("dataclasses.asdict", dataclasses.asdict)  # type: ignore[attr-defined]
    builder.build = timer("build", build)  # type: ignore[assignment]
    render = timer(f"render {fmt}", formats.render)

    engine = make_engine(url)
    reader = make_reader(engine)
    period = _period()
    units = [unit] if unit else []
    with reader.begin() as session:
        session.execute(text("SELECT 1"))
    profiler = cProfile.Profile() if profile else None
    gc.collect()
    if profiler:
        profiler.enable()
    start = time.perf_counter()
    with reader.begin() as session:
        report = builder.build(session, period, units, 7, now=GENERATED,
                               **formats.limits(fmt))  # type: ignore[arg-type]
    render(report, fmt, lang)
    total = time.perf_counter() - start
    top = ""
    if profiler:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(profile)
        top = out.getvalue()
    engine.dispose()
    # Each path after its caller, callees in the order they were first entered.
    order = sorted(calls, key=lambda path: tuple(entered[path[:k]] for k in range(1, len(path) + 1)))
    return {"calls": [(path, n, s) for path in order for n, s in [calls[path]]], "total": total, "profile": top,
            "peak_mib": _peak_mib(), "scope": unit or "province"}


# --------------------------------------------------------------------------- child processes


def _child_main(name: str, args: tuple[Any, ...], out: multiprocessing.Queue, mem_limit_gib: float) -> None:  # type: ignore[type-arg]
    if mem_limit_gib:
        limit = int(mem_limit_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        out.put(globals()[name](*args))
    except MemoryError:
        out.put({"error": f"MemoryError (address space limited to {mem_limit_gib:g} GiB)", "peak_mib": _peak_mib()})
    except Exception as exc:  # noqa: BLE001 - reported, the benchmark goes on
        out.put({"error": f"{type(exc).__name__}: {exc}"[:300], "peak_mib": _peak_mib()})


def in_child(name: str, args: tuple[Any, ...], timeout: float, mem_limit_gib: float) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_child_main, args=(name, args, out, mem_limit_gib))
    child.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                result = out.get(timeout=1)
                child.join()
                return result
            except queues.Empty:
                if not child.is_alive():
                    return {"error": f"child exited with code {child.exitcode}"}
                if time.monotonic() > deadline:
                    child.kill()
                    child.join()
                    return {"error": f"stopped after {timeout:.0f} s"}
    finally:
        if child.is_alive():
            child.kill()
            child.join()


# --------------------------------------------------------------------------- the run


@dataclass
class Results:
    db: str
    version: str
    fleet: Fleet
    floor: dict[str, dict[str, Any]] = field(default_factory=dict)  # scope -> floor_child result
    gap_floor: dict[str, dict[str, Any]] = field(default_factory=dict)  # scope -> gap_floor_child result
    formats: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (scope, fmt) -> result
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)  # format -> stages_child result
    keep: dict[str, Any] = field(default_factory=dict)  # keep_child result
    gaps_floor: dict[str, dict[str, Any]] = field(default_factory=dict)  # scope -> gaps_floor_child result
    gaps: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (scope, fmt) -> gaps_child result


def _version(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return "SQLite " + connection.execute(text("SELECT sqlite_version()")).scalar_one()
        return "PostgreSQL " + connection.execute(text("SHOW server_version")).scalar_one().split()[0]


def _sizes(engine: Engine, fleet: Fleet) -> None:
    period = _period()
    district = _unit_id(engine, fleet.district)
    with engine.connect() as connection:
        for unit in (None, fleet.district):
            sql, params = _floor_sql(engine, unit is not None)
            args = params(period.end) + ((district,) * 3 if unit else ())
            raw = connection.connection.driver_connection
            cursor = raw.cursor()  # type: ignore[union-attr]
            cursor.execute(f"SELECT count(*), sum(n) FROM ({sql.replace('count(*),', 'count(*) AS n,', 1)}) AS p",
                           args)
            pairs, findings = cursor.fetchone()
            cursor.close()
            if unit is None:
                fleet.pairs, fleet.open_findings = pairs, int(findings or 0)
            else:
                fleet.district_pairs, fleet.district_open = pairs, int(findings or 0)
        fleet.hosts = connection.execute(text("SELECT count(*) FROM hosts")).scalar_one()
        sql, params = _floor_sql(engine, False)
        fleet.overdue = connection.execute(text(
            "SELECT count(*) FROM findings JOIN advisories ON advisories.id = findings.advisory_pk"
            " WHERE first_detected <= :at AND (resolved_at IS NULL OR resolved_at > :at)"
            " AND (deadline < :day OR kev_due_date < :day)"),
            {"at": params(period.end)[0], "day": period.end.date().isoformat() if engine.dialect.name == "sqlite"
             else period.end.date()}).scalar_one()
        fleet.district_hosts = connection.execute(text(
            "SELECT count(*) FROM hosts WHERE unit_id IN (SELECT id FROM units WHERE id = :d OR parent_id = :d)"),
            {"d": district}).scalar_one()
        connection.rollback()


def _build(url: str, spec: Spec, fleet: Fleet, history: bool) -> None:
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_populate, args=(url, spec, queue))
    child.start()
    queue.get()
    child.join()
    fleet.populate_seconds = time.perf_counter() - start
    engine = make_engine(url)
    full = measure.full_rematch(make_sessionmaker(engine))
    fleet.rematch_seconds = full.seconds
    shape(engine, fleet, spec.seed + 7, history)
    engine.dispose()


def run(db: str, spec: Spec, workdir: Path, args: argparse.Namespace) -> Results:
    if args.reuse:
        url, admin = args.reuse, None  # a database an earlier --keep run left behind
    else:
        url, admin = fresh_database(db, workdir)
    try:
        fleet = Fleet(district=district_name(1), reused=args.reuse or "")
        if not args.reuse:
            _build(url, spec, fleet, not args.no_history)
        engine = make_engine(url)
        _sizes(engine, fleet)
        results = Results(db, _version(engine), fleet)
        engine.dispose()
        scopes = {"province": None, "district": fleet.district}
        for label, unit in scopes.items():
            results.floor[label] = in_child("floor_child", (url, unit, args.runs), args.timeout, args.mem_limit)
            _progress(f"floor {label}", results.floor[label])
            if WITH_LIST & set(args.formats):
                results.gap_floor[label] = in_child("gap_floor_child", (url, unit, args.runs), args.timeout,
                                                    args.mem_limit)
                _progress(f"gap list floor {label}", results.gap_floor[label])
        results.keep = in_child("keep_child", (url,), args.timeout, args.mem_limit)
        _progress("weeks kept", results.keep)
        for label, unit in scopes.items():
            for fmt in args.formats:
                result = in_child("format_child", (url, fmt, unit, args.runs, args.single_above, args.lang),
                                  args.timeout, args.mem_limit)
                results.formats[(label, fmt)] = result
                _progress(f"{fmt} {label}", result)
        for label, unit in scopes.items():
            if not args.gaps_formats:
                break
            results.gaps_floor[label] = in_child("gaps_floor_child", (url, unit, args.runs), args.timeout,
                                                 args.mem_limit)
            _progress(f"gaps floor {label}", results.gaps_floor[label])
            for fmt in args.gaps_formats:
                result = in_child("gaps_child", (url, fmt, unit, args.runs, args.single_above, args.lang),
                                  args.timeout, args.mem_limit)
                results.gaps[(label, fmt)] = result
                _progress(f"gaps {fmt} {label}", result)
        finished = {fmt: statistics.median(r["times"]) for (label, fmt), r in results.formats.items()
                    if label == "province" and "times" in r}
        # Where the time goes: in the slowest format, and in the slowest of those without the gap
        # list (the report people print), when that is another one.
        chosen = []
        if finished:
            chosen.append(max(finished, key=finished.__getitem__))
            printed = {f: t for f, t in finished.items() if f not in WITH_GAPS}
            if printed and max(printed, key=printed.__getitem__) not in chosen:
                chosen.append(max(printed, key=printed.__getitem__))
        for fmt in chosen:
            results.stages[fmt] = in_child("stages_child", (url, fmt, None, args.lang, args.profile), args.timeout,
                                           args.mem_limit)
            _progress(f"stages {fmt}", results.stages[fmt])
        return results
    finally:
        if args.keep:
            print(f"  kept for --reuse: {url}", flush=True)
        else:
            drop_database(url, admin)


def _progress(what: str, result: dict[str, Any]) -> None:
    times = result.get("times")
    shown = f"{statistics.median(times):.2f} s" if times else result.get("error", f"{result.get('total', 0):.2f} s")
    print(f"  [{time.strftime('%H:%M:%S')}] {what}: {shown}", flush=True)


# --------------------------------------------------------------------------- printing


def _seconds(value: float) -> str:
    return f"{value:,.2f} s" if value >= 1 else f"{value * 1000:,.0f} ms"


def render(results: Results) -> str:
    f = results.fleet
    period = _period()
    lines = [
        f"patchgap weekly report benchmark on {results.version}: {f.hosts:,} hosts, {f.open_findings:,} open findings "
        f"({f.overdue:,} overdue), {f.pairs:,} host–advisory pairs open at the end of {period.iso_week} "
        f"({period.start.date():%d/%m}–{period.last_day:%d/%m/%Y})",
        f"history: {f.resolved:,} resolved findings; {f.units} units (1 province > {DISTRICTS} districts > "
        f"{DISTRICTS * COMMUNES} communes); {f.report_days:,} host-report days (12 weeks); {f.warnings} national "
        f"warnings; {f.deadlines:,} advisories with a deadline; {f.exploited:,} advisories known exploited",
        f"district '{f.district}' (--unit): {f.district_hosts:,} hosts, {f.district_open:,} open findings, "
        f"{f.district_pairs:,} pairs",
        f"populated in {f.populate_seconds:.0f} s, full re-match {f.rematch_seconds:.0f} s, report data added in "
        f"{f.shape_seconds:.0f} s (none of it measured below)",
        "",
    ]
    if f.reused:
        lines[1:2] = ["history, units, report days, warnings and KEV marks as an earlier --keep run built them"]
        lines[3:4] = [f"reused database {f.reused.split('@')[-1]}"]
    floors = {}
    for label, floor in results.floor.items():
        if "times" in floor:
            floors[label] = statistics.median(floor["times"])
            lines.append(f"floor, {label}: {_seconds(floors[label])} (median of {len(floor['times'])}) for "
                         f"{floor['rows']:,} rows — one GROUP BY host_id, advisory_pk of the findings open at the "
                         f"week's end, fetched by the driver; peak RSS {floor['peak_mib']:,.0f} MiB")
        else:
            lines.append(f"floor, {label}: {floor.get('error')}")
    list_floors = _floor_medians(lines, "gap list floor", results.gap_floor, lambda floor: (
        "the open findings with their items and fixes in host and advisory order (what CSV and JSON fold and "
        "write), SELECT fetched by the driver" + (f"; COPY … TO STDOUT {_seconds(statistics.median(floor['copy_times']))}"
                                                 f" for {floor['copy_bytes'] / 2**20:,.0f} MiB"
                                                 if floor["copy_times"] else "")))
    keep = results.keep
    if "weeks" in keep:
        per_week = keep["total"] / keep["weeks"] if keep["weeks"] else 0.0
        ratio = f", {per_week / floors['province']:,.1f}x the province floor a week" if floors.get("province") else ""
        lines.append(f"weeks kept: {keep['weeks']} ended weeks counted from the findings history and kept in "
                     f"{_seconds(keep['total'])} ({_seconds(per_week)} a week{ratio}; once per week, before its "
                     f"first report); peak RSS {keep['peak_mib']:,.0f} MiB")
    else:
        lines.append(f"weeks kept: {keep.get('error')}")
    lines += ["", f"{'format':<10}{'scope':<10}{'median':>10}{'runs':>6}{'x floor':>9}{'goal 2 s':>10}"
                  f"{'peak RSS':>11}{'output':>11}   rows shown (new / resolved / gaps / silent / eol)"]
    for (label, fmt), r in results.formats.items():
        if "times" not in r:
            peak = f"{r['peak_mib']:>7,.0f} MiB" if r.get("peak_mib") else f"{'':>11}"
            lines.append(f"{fmt:<10}{label:<10}{'—':>10}{'':>6}{'':>9}{'missed':>10}{peak}{'':>11}   "
                         f"did not finish: {r['error']}")
            continue
        median = statistics.median(r["times"])
        ratio = f"{median / floors[label]:,.1f}x" if floors.get(label) else "-"
        if fmt in WITH_LIST and list_floors.get(label):
            ratio = f"{median / list_floors[label]:,.1f}x L"
        s = r["shown"]
        size = f"{r['bytes'] / 2**20:,.1f} MiB" if r["bytes"] >= 2**20 else f"{r['bytes'] / 1024:,.0f} KiB"
        lines.append(f"{fmt:<10}{label:<10}{_seconds(median):>10}{len(r['times']):>6}{ratio:>9}"
                     f"{'met' if median < GOAL_SECONDS else 'missed':>10}{r['peak_mib']:>7,.0f} MiB{size:>11}   "
                     f"{s['new']:,} / {s['resolved']:,} / {s['gaps']:,} / {s['silent']:,} / {s['eol']:,}")
    lines.append("peak RSS: VmHWM of a fresh process per row (interpreter, SQLAlchemy and the format's "
                 f"modules included: ~{_baseline(results):,.0f} MiB before the first build); x floor: median over "
                 "the floor of the same scope (L: the gap list floor, for the exports that write every pair)")
    lines += _gaps_lines(results)
    for fmt, stages in results.stages.items():
        lines += _stage_lines(fmt, stages, floors.get("province"))
    return "\n".join(lines)


def _floor_medians(lines: list[str], name: str, found: dict[str, dict[str, Any]],
                   describe: Callable[[dict[str, Any]], str]) -> dict[str, float]:
    """Scope -> median of each floor in ``found``, each described in ``lines``."""
    medians = {}
    for label, floor in found.items():
        if "times" not in floor:
            lines.append(f"{name}, {label}: {floor.get('error')}")
            continue
        medians[label] = statistics.median(floor["times"])
        lines.append(f"{name}, {label}: {_seconds(medians[label])} for {floor['rows']:,} rows — {describe(floor)}; "
                     f"peak RSS {floor['peak_mib']:,.0f} MiB")
    return medians


def _gaps_lines(results: Results) -> list[str]:
    if not results.gaps_floor:
        return []
    lines = [""]
    floors = _floor_medians(lines, "gaps floor", results.gaps_floor,
                            lambda floor: "the command's joined rows in its order, fetched by the driver")
    lines.append(f"{'gaps':<10}{'scope':<10}{'median':>10}{'runs':>6}{'x floor':>9}{'goal 2 s':>10}{'peak RSS':>11}"
                 f"{'output':>11}   rows")
    for (label, fmt), r in results.gaps.items():
        if "times" not in r:
            lines.append(f"{fmt:<10}{label:<10}{'—':>10}   did not finish: {r['error']}")
            continue
        median = statistics.median(r["times"])
        ratio = f"{median / floors[label]:,.1f}x" if floors.get(label) else "-"
        lines.append(f"{fmt:<10}{label:<10}{_seconds(median):>10}{len(r['times']):>6}{ratio:>9}"
                     f"{'met' if median < GOAL_SECONDS else 'missed':>10}{r['peak_mib']:>7,.0f} MiB"
                     f"{r['bytes'] / 2**20:>7,.1f} MiB   {r['rows']:,}")
    return lines


def _stage_lines(fmt: str, stages: dict[str, Any], floor: float | None) -> list[str]:
    if "calls" not in stages:
        return ["", f"where the time goes: {fmt}: {stages.get('error')}"]
    lines = ["", f"where the time goes: {fmt}, {stages['scope']}, one run ({_seconds(stages['total'])}; every function of "
                 f"build, gapfacts and scope timed with its caller; 'own' = not in a timed callee)",
             f"  {'call':<52}{'calls':>7}{'seconds':>10}{'own':>10}{'x floor':>9}"]
    spent = {tuple(path): seconds for path, _, seconds in stages["calls"]}
    for path, count, seconds in stages["calls"]:
        path = tuple(path)
        children = sum(s for p, s in spent.items() if len(p) == len(path) + 1 and p[:len(path)] == path)
        ratio = f"{seconds / floor:,.1f}x" if floor else "-"
        label = "  " * (len(path) - 1) + path[-1]
        lines.append(f"  {label:<52}{int(count):>7}{_seconds(seconds):>10}{_seconds(seconds - children):>10}{ratio:>9}")
    if stages.get("profile"):
        lines += ["", stages["profile"]]
    return lines


def _baseline(results: Results) -> float:
    found = [r["baseline_mib"] for r in results.formats.values() if "baseline_mib" in r]
    return statistics.median(found) if found else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10_000, help="fleet size (default 10000)")
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file), a postgresql:// admin URL, or both")
    parser.add_argument("--pg", default=None, help="PostgreSQL admin URL for --db both "
                                                   "(default $PATCHGAP_TEST_POSTGRES_URL)")
    parser.add_argument("--formats", default=",".join(FORMATS), help=f"comma-separated (default {','.join(FORMATS)})")
    parser.add_argument("--runs", type=int, default=3, help="runs per format and scope; the median is shown")
    parser.add_argument("--single-above", type=float, default=60.0,
                        help="one run only when the first takes longer than this many seconds (default 60)")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds before a child is stopped")
    parser.add_argument("--mem-limit", type=float, default=12.0, help="address space of each child, GiB (0: none)")
    parser.add_argument("--lang", default="vi", choices=("en", "vi"))
    parser.add_argument("--gaps-formats", default="csv,json",
                        help="formats of `patchgap gaps` measured over the same data (default csv,json; '' none)")
    parser.add_argument("--profile", type=int, default=0, help="also print the N costliest functions (cProfile) "
                                                                "of the stage run")
    parser.add_argument("--no-history", action="store_true",
                        help="keep findings as the re-match left them (all detected at once, none resolved)")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the database built (its URL is printed)")
    parser.add_argument("--reuse", default=None, help="measure a database an earlier --keep run built (its URL) "
                                                      "instead of building one")
    parser.add_argument("--seed", type=int, default=Spec.seed)
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    args.gaps_formats = [f.strip() for f in args.gaps_formats.split(",") if f.strip()]
    unknown = [f for f in args.formats if f not in FORMATS]
    if unknown:
        parser.error(f"unknown formats: {', '.join(unknown)}")
    if args.db == "both":
        pg = args.pg or os.environ.get("PATCHGAP_TEST_POSTGRES_URL")
        if not pg:
            parser.error("--db both needs --pg URL or $PATCHGAP_TEST_POSTGRES_URL")
        targets = ["sqlite", pg]
    else:
        targets = [args.db]
    spec = Spec(hosts=args.hosts, affected=min(300_000, 30 * args.hosts), seed=args.seed)
    if args.reuse:
        targets = ["sqlite" if args.reuse.startswith("sqlite") else args.reuse]
    if args.keep and not args.reuse and args.workdir is None and "sqlite" in targets:
        parser.error("--keep on SQLite needs --workdir (the temporary folder goes)")
    for db in targets:
        with tempfile.TemporaryDirectory(prefix="patchgap-bench-") as tmp:
            workdir = args.workdir or Path(tmp)
            fleet = f"the fleet of {args.reuse.split('@')[-1]}" if args.reuse else f"{args.hosts:,} hosts"
            print(f"bench.report: {fleet} on {'SQLite' if db == 'sqlite' else 'PostgreSQL'} …", flush=True)
            results = run(db, spec, workdir, args)
        print()
        print(render(results), flush=True)
        print()


if __name__ == "__main__":
    main()
