"""``python -m bench.ingest_load``: N collectors sending M full reports each to a real ``patchgap serve``.

    .venv/bin/python -m bench.ingest_load                              # 100 x 20 on SQLite
    .venv/bin/python -m bench.ingest_load --collectors 10 --reports 3  # quick
    .venv/bin/python -m bench.ingest_load --db both --pg postgresql://user:pw@127.0.0.1/postgres
    .venv/bin/python -m bench.ingest_load --synchronous NORMAL --no-floor  # what FULL costs
    .venv/bin/python -m bench.ingest_load --big-bodies 6                   # 15 MB bodies during the load
    .venv/bin/python -m bench.ingest_load --db both --workers 1,2,4 -n 32 -m 5 --unchanged 3  # the scale table

For each database: a fresh migrated database, ``patchgap serve`` as a child
process on it, an enroll secret from the CLI, N collectors enrolled over
HTTP, then N threads (one httpx client each, as many PCs) each POSTing its
M reports one after the other: gzip wire JSON of ~1,500 deb packages, ~20 of
them upgraded from one report to the next. Every answer is counted, none is
retried. Afterwards the database is read directly: a host whose stored state
is older than its last acknowledged report lost an acknowledged report.

While the load runs, ``/api/v1/health`` and an unknown path (a 404 from the
event loop alone) are probed every 100 ms (``bench.probe``); ``--big-bodies K``
also posts K bodies of ~15 MB that the server must refuse, and reports the
probes' latency while they are processed. ``--synchronous`` sets
``PATCHGAP_SQLITE_SYNCHRONOUS`` for the served child and the floor.

On PostgreSQL the load runs once per ``--workers`` count (API processes of
``patchgap serve --workers``); SQLite runs one process. ``--unchanged K``:
after the load each collector posts its last report K more times (nothing in
it changed), timed apart.

The floor is the same reports applied in this process, one after the other,
through ``apply_report`` on a second fresh database: what the database
itself costs, without HTTP, parsing or concurrency. Beside it, each host's
first report (a new host) is set against a raw ``executemany`` of its links
(``bench.links_floor``): server-side ingest of a new host / the database's
floor for storing it.

A benchmark, not a test: it prints figures and never fails on them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from server.db.engine import SQLITE_SYNCHRONOUS, SQLITE_SYNCHRONOUS_ENV, make_engine, make_sessionmaker
from tests.reports import store_report

from bench import reports_gen
from bench.http_fleet import Enrollment, Serve, Tally, counts, create_secret, databases, enroll_all, post_report
from bench.links_floor import raw_links_seconds
from bench.load import drop_database, fresh_database
from bench.probe import HEALTH_PATH, LOOP_PATH, BigPoster, Latency, Probe, big_body
from bench.reports_gen import Collector, Prepared
from bench.stored import Verdict, judge, stored_state

UNIT = "Phòng Kỹ thuật"


@dataclass
class HttpRun:
    workers: int
    tally: Tally
    seconds: float
    enrollment: Enrollment
    verdict: Verdict
    log_errors: Counter[str]  # server log lines but the banner, by text
    health: Latency  # /api/v1/health during the load
    loop: Latency  # 404 from the event loop during the load
    big: BigPoster | None = None
    health_big: Latency | None = None  # probes overlapping a big body's post
    loop_big: Latency | None = None
    unchanged: Tally | None = None  # the last report posted again
    unchanged_seconds: float = 0.0


@dataclass
class Floor:
    reports: int
    seconds: float  # inside apply_report's transactions only
    new_host: list[float]  # each host's first report, in apply_report
    raw_links: list[float]  # executemany of the same host's links, and commit


def http_run(db: str, fleet_of: list[Collector], prepared: list[list[Prepared]], workdir: Path,
             timeout: float, big_bodies: int = 0, workers: int = 1, unchanged: int = 0) -> HttpRun:
    (workdir / "http").mkdir(parents=True, exist_ok=True)
    url, admin = fresh_database(db, workdir / "http")
    serve = Serve(url, workdir / f"serve-{workers}.log", workers=workers)
    try:
        serve.start()
        secret = create_secret(url, UNIT)
        enrollment = enroll_all(serve.url, secret, fleet_of)
        enrolled = [c for c in fleet_of if c.index in enrollment.keys]
        big = None
        if big_bodies:
            extra = reports_gen.collectors(len(fleet_of) + 1, seed=0)[-1]
            key = enroll_all(serve.url, secret, [extra]).keys.get(extra.index)
            if key is None:
                raise RuntimeError("the big-body collector could not enroll")
            big = BigPoster(serve.url, key, big_body(extra), big_bodies)
        probes = [Probe(serve.url, HEALTH_PATH), Probe(serve.url, LOOP_PATH, ok=404)]
        tally = Tally()
        acked: dict[str, list[Prepared]] = {c.uuid: [] for c in enrolled}
        go = threading.Event()

        def collector(c: Collector, reports: list[Prepared], counted: Tally) -> None:
            with httpx.Client(timeout=timeout) as client:
                go.wait()
                for report in reports:
                    if post_report(client, serve.url, enrollment.keys[c.index], report.body, counted):
                        acked[c.uuid].append(report)

        def load(reports: dict[int, list[Prepared]], counted: Tally) -> float:
            go.clear()
            threads = [threading.Thread(target=collector, args=(c, reports[c.index], counted), daemon=True)
                       for c in enrolled]
            for thread in threads:
                thread.start()
            start = time.perf_counter()
            go.set()
            for thread in threads:
                thread.join()
            return time.perf_counter() - start

        for probe in probes:
            probe.start()
        if big:
            big.start()
        seconds = load({c.index: prepared[c.index] for c in enrolled}, tally)
        if big:
            big.join()
        for probe in probes:
            probe.stop()
        again = Tally()
        again_seconds = load({c.index: prepared[c.index][-1:] * unchanged for c in enrolled}, again) \
            if unchanged else 0.0
        serve.stop()
        sent = {c.uuid: prepared[c.index] for c in enrolled}
        verdict = judge(stored_state(url, list(sent)), sent, acked)
        health, loop = probes
        return HttpRun(workers, tally, seconds, enrollment, verdict, serve.log_errors(), health.latency(),
                       loop.latency(), big, health.latency(big.windows) if big else None,
                       loop.latency(big.windows) if big else None, again if unchanged else None, again_seconds)
    finally:
        serve.stop()
        drop_database(url, admin)


def floor_run(db: str, fleet_of: list[Collector], prepared: list[list[Prepared]], workdir: Path) -> Floor:
    """The same reports, in the same interleaved order, applied sequentially in-process."""
    (workdir / "floor").mkdir(parents=True, exist_ok=True)
    url, admin = fresh_database(db, workdir / "floor")
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    seconds, done, new_host, host_ids = 0.0, 0, [], []
    try:
        for seq in range(max(len(p) for p in prepared)):
            for c in fleet_of:
                if seq >= len(prepared[c.index]):
                    continue
                report = reports_gen.decode(prepared[c.index][seq].body)  # not timed: the server parses too
                start = time.perf_counter()
                with sessions.begin() as session:
                    host = store_report(session, report, UNIT, dt.datetime.now(dt.timezone.utc))
                took = time.perf_counter() - start
                seconds += took
                done += 1
                if seq == 0:
                    new_host.append(took)
                    host_ids.append(host.id)
        raw_links = raw_links_seconds(engine, host_ids)
    finally:
        engine.dispose()
        drop_database(url, admin)
    return Floor(done, seconds, new_host, raw_links)


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:,.2f} s" if seconds >= 0.9995 else f"{seconds * 1000:,.0f} ms"


def _latency(lat: Latency | None) -> str:
    if lat is None:
        return "-"
    failed = f"; failed: {counts(lat.failures)}" if lat.failures else ""
    return f"{_ms(lat.p50)} / {_ms(lat.p99)} / {_ms(lat.worst)} ({lat.probes:,} probes{failed})"


def _new_host(floor: Floor | None) -> str:
    if not floor or not floor.new_host or not floor.raw_links:
        return "not measured"
    ingest, raw = statistics.median(floor.new_host), statistics.median(floor.raw_links)
    return (f"{ingest / raw:,.2f}x (p50 {_ms(ingest)} in apply_report vs {_ms(raw)} for an executemany of its "
            f"links and commit, {len(floor.raw_links):,} hosts)")


def summary(runs: list[tuple[str, HttpRun]]) -> str:
    """One line per configuration: the figures the scale goal names."""
    lines = ["configuration                  reports/s  p50       p99       lost  5xx  | unchanged/s  p50       p99"]
    for name, run in runs:
        t, u = run.tally, run.unchanged
        rate = t.accepted / run.seconds if run.seconds else 0.0
        again = (f"{u.accepted / run.unchanged_seconds:11,.1f}  {_ms(u.percentile(50)):>8}  {_ms(u.percentile(99)):>8}"
                 if u and run.unchanged_seconds else "          -")
        lost = run.verdict.lost + sum(t.transport.values())
        lines.append(f"{name:<30} {rate:9,.1f}  {_ms(t.percentile(50)):>8}  {_ms(t.percentile(99)):>8}  {lost:4,}  "
                     f"{sum(t.server_errors().values()):3,}  | {again}")
    return "\n".join(lines)


def render(name: str, n: int, m: int, per_host: int, changed: int, run: HttpRun, floor: Floor | None) -> str:
    t, v, e = run.tally, run.verdict, run.enrollment
    rate = t.accepted / run.seconds if run.seconds else 0.0
    floor_rate = floor.reports / floor.seconds if floor and floor.seconds else None
    rows = [
        ("enrolled", f"{len(e.keys):,} of {n:,} in {_ms(e.seconds)}; waited out: {counts(e.retried)}; "
                     f"failed: {counts(e.failed)}"),
        ("reports sent", f"{t.sent:,}"),
        ("accepted (200)", f"{t.accepted:,}"),
        ("rejected (4xx)", counts(t.rejected())),
        ("server errors (5xx)", counts(t.server_errors())),
        ("transport errors", counts(t.transport)),
        ("latency p50 / p99 (accepted)", f"{_ms(t.percentile(50))} / {_ms(t.percentile(99))}"),
        ("wall time", _ms(run.seconds)),
        ("throughput (accepted)", f"{rate:,.1f} reports/s"),
        ("in-process floor (sequential)", f"{floor_rate:,.1f} reports/s ({floor.reports:,} reports, "
                                          f"{_ms(floor.seconds / floor.reports)} each)" if floor and floor_rate
         else "not measured"),
        ("HTTP / floor", f"{rate / floor_rate:,.2f}x" if floor_rate else "-"),
        ("new host / raw links floor", _new_host(floor)),
        ("lost (acknowledged, not stored)", f"{v.lost:,}"),
        ("half-written hosts", f"{v.half_written:,}"),
        ("hosts", v.notes()),
        ("server log lines (warnings, errors)", counts(run.log_errors)),
        ("health p50 / p99 / max", _latency(run.health)),
        ("event loop (404) p50 / p99 / max", _latency(run.loop)),
    ]
    if run.unchanged:
        u = run.unchanged
        rows += [
            ("unchanged reports: accepted", f"{u.accepted:,} of {u.sent:,}; 5xx: {counts(u.server_errors())}; "
                                            f"transport errors: {counts(u.transport)}"),
            ("unchanged: throughput", f"{u.accepted / run.unchanged_seconds:,.1f} reports/s"
                                      if run.unchanged_seconds else "-"),
            ("unchanged: latency p50 / p99", f"{_ms(u.percentile(50))} / {_ms(u.percentile(99))}"),
        ]
    if run.big:
        big = run.big.latency()
        rows += [
            ("big bodies (refused)", f"{run.big.count:,} of {len(run.big.body) / 1e6:.1f} MB JSON (odd ones "
                                     f"gzip, {len(run.big.gzipped) / 1e6:.2f} MB): {counts(run.big.answers)}; "
                                     f"answered in p50 {_ms(big.p50)}, max {_ms(big.worst)}"),
            ("health during big bodies", _latency(run.health_big)),
            ("event loop during big bodies", _latency(run.loop_big)),
        ]
    width = max(len(label) for label, _ in rows) + 2
    head = (f"patchgap ingest under load on {name}, {run.workers} API process(es): {n:,} collectors x {m:,} "
            f"reports, {per_host:,} deb packages each, ~{changed} changed per report")
    return "\n".join([head, "", *(f"{label:<{width}}{value}" for label, value in rows)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_load", description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", "-n", type=int, default=100, help="concurrent collectors (default 100)")
    parser.add_argument("--reports", "-m", type=int, default=20, help="reports each collector sends (default 20)")
    parser.add_argument("--db", default="sqlite", help="sqlite, a postgresql:// admin URL, or both")
    parser.add_argument("--pg", default=None, help="PostgreSQL admin URL for --db both "
                        "(default: $PATCHGAP_TEST_POSTGRES_URL)")
    parser.add_argument("--packages", type=int, default=1_500, help="deb packages per host (default 1500)")
    parser.add_argument("--changed", type=int, default=20, help="packages upgraded between reports (default 20)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout in seconds, as the collector's")
    parser.add_argument("--no-floor", action="store_true", help="skip the in-process sequential baseline")
    parser.add_argument("--synchronous", type=str.upper, choices=SQLITE_SYNCHRONOUS, default="FULL",
                        help=f"SQLite PRAGMA synchronous for the server and the floor ({SQLITE_SYNCHRONOUS_ENV}, "
                             "default FULL)")
    parser.add_argument("--big-bodies", type=int, default=0, metavar="K",
                        help="also post K bodies of ~15 MB that the server refuses, during the load")
    parser.add_argument("--workers", type=_counts, default=(1,), metavar="N[,N...]",
                        help="API processes on PostgreSQL, one load per count (default 1; SQLite runs one)")
    parser.add_argument("--unchanged", type=int, default=0, metavar="K",
                        help="after the load, each collector posts its last report K more times, timed apart")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for SQLite files and the server log")
    parser.add_argument("--seed", type=int, default=20260105, help="seed of the fleet and its reports")
    args = parser.parse_args(argv)
    os.environ[SQLITE_SYNCHRONOUS_ENV] = args.synchronous  # inherited by the served child; read by the floor
    fleet_of = reports_gen.collectors(args.collectors, args.seed)
    start = time.perf_counter()
    prepared = reports_gen.prepare(fleet_of, args.reports, per_host=args.packages, changed=args.changed,
                                   seed=args.seed)
    print(f"prepared {args.collectors * args.reports:,} reports "
          f"({sum(len(p.body) for s in prepared for p in s) / max(1, args.collectors * args.reports) / 1024:,.0f} KiB "
          f"gzip each) in {time.perf_counter() - start:.1f} s\n", flush=True)
    runs: list[tuple[str, HttpRun]] = []
    with tempfile.TemporaryDirectory(prefix="patchgap-ingest-bench-") as tmp:
        for db in databases(args.db, args.pg):
            name = "SQLite" if db == "sqlite" else "PostgreSQL"
            workdir = (args.workdir or Path(tmp)) / name.lower()
            floor = None if args.no_floor else floor_run(db, fleet_of, prepared, workdir)
            if db == "sqlite":
                name += f" (synchronous={args.synchronous})"
            for workers in (1,) if db == "sqlite" else args.workers:
                run = http_run(db, fleet_of, prepared, workdir, args.timeout, args.big_bodies, workers,
                               args.unchanged)
                runs.append((f"{name.split()[0]}, {workers} process(es)", run))
                print(render(name, args.collectors, args.reports, args.packages, args.changed, run, floor) + "\n",
                      flush=True)
    print(summary(runs), flush=True)


def _counts(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


if __name__ == "__main__":
    main()
