"""``python -m bench.kill_inflight``: SIGKILL ``patchgap serve`` mid-run; nothing half-written, nothing lost.

    .venv/bin/python -m bench.kill_inflight                                # 100 x 10 on SQLite
    .venv/bin/python -m bench.kill_inflight --collectors 10 --reports 3    # quick
    .venv/bin/python -m bench.kill_inflight --db both --pg postgresql://user:pw@127.0.0.1/postgres

For each database: a fresh database, ``patchgap serve`` as a child process
in its own process group, N collectors enrolled over HTTP, then all N x M
reports posted at once (``--in-flight`` threads sharing one httpx client;
a host's reports overlap, as a spool flushed by several restarts would).
Once ``--kill-after`` of them are acknowledged the whole process group gets
SIGKILL; reports not yet posted are dropped. The server is restarted on the
same database and must come back healthy; then the database is read:

- half-written: a host whose stored software set is not exactly that of
  the report its ``last_collected_at`` names (a mix of two reports, or a
  report cut short);
- lost: a host whose stored state is older than the newest report the
  server acknowledged for it.

A benchmark, not a test: it prints figures and never fails on them.
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import reports_gen
from bench.http_fleet import Enrollment, Serve, Tally, counts, create_secret, databases, enroll_all, post_report
from bench.load import drop_database, fresh_database
from bench.reports_gen import Collector, Prepared
from bench.stored import Verdict, judge, stored_state


@dataclass
class KillRun:
    enrollment: Enrollment
    tally: Tally
    started: int
    not_sent: int
    killed_at: float  # seconds after the first post
    acked_at_kill: int
    in_flight_at_kill: int
    transport_before_kill: int
    restart_seconds: float | None
    restart_error: str
    verdict: Verdict
    log_errors: Counter[str]  # both servers' log lines but the banners, by text


def kill_run(db: str, fleet_of: list[Collector], prepared: list[list[Prepared]], workdir: Path, in_flight: int,
             kill_after: float, timeout: float) -> KillRun:
    workdir.mkdir(parents=True, exist_ok=True)
    url, admin = fresh_database(db, workdir)
    serve = Serve(url, workdir / "serve.log")
    try:
        serve.start()
        enrollment = enroll_all(serve.url, create_secret(url), fleet_of)
        enrolled = [c for c in fleet_of if c.index in enrollment.keys]
        jobs = [(c, report) for seq in range(max(map(len, prepared), default=0))
                for c in enrolled if seq < len(prepared[c.index]) for report in [prepared[c.index][seq]]]
        tally, killed, lock = Tally(), threading.Event(), threading.Lock()
        started: dict[str, list[Prepared]] = {c.uuid: [] for c in enrolled}
        acked: dict[str, list[Prepared]] = {c.uuid: [] for c in enrolled}
        client = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=in_flight,
                                                                   max_keepalive_connections=in_flight))

        def post(job: tuple[Collector, Prepared]) -> None:
            c, report = job
            if killed.is_set():
                return
            with lock:
                started[c.uuid].append(report)
            if post_report(client, serve.url, enrollment.keys[c.index], report.body, tally):
                with lock:
                    acked[c.uuid].append(report)

        target = max(1, round(kill_after * len(jobs)))
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, in_flight)) as pool:
            futures = [pool.submit(post, job) for job in jobs]
            while tally.accepted < target and not all(f.done() for f in futures):
                time.sleep(0.01)
            with lock:  # nothing starts or is acknowledged while the snapshot is taken
                killed.set()
                killed_at = time.perf_counter() - start
                acked_at_kill = tally.accepted
                in_flight_at_kill = sum(map(len, started.values())) - tally.sent
                transport_before = sum(tally.transport.values())
                serve.kill()
        client.close()
        restart: float | None = None
        restart_error = ""
        try:
            restart = serve.start()
        except RuntimeError as exc:
            restart_error = f"{exc}: {serve.last_log_line()}"
        serve.stop()
        sent_total = sum(map(len, started.values()))
        verdict = judge(stored_state(url, list(started)), started, acked)
        return KillRun(enrollment, tally, sent_total, len(jobs) - sent_total, killed_at, acked_at_kill,
                       in_flight_at_kill, transport_before, restart, restart_error, verdict, serve.log_errors())
    finally:
        serve.stop()
        drop_database(url, admin)


def render(name: str, n: int, m: int, in_flight: int, kill_after: float, run: KillRun) -> str:
    t, v, e = run.tally, run.verdict, run.enrollment
    at_kill = sum(t.transport.values()) - run.transport_before_kill
    rows = [
        ("enrolled", f"{len(e.keys):,} of {n:,}; waited out: {counts(e.retried)}; failed: {counts(e.failed)}"),
        ("reports sent", f"{run.started:,} of {n * m:,} (not sent, after the kill: {run.not_sent:,})"),
        ("acknowledged (200)", f"{t.accepted:,}"),
        ("refused (HTTP answer, not 200)", counts(t.by_status)),
        ("transport errors at kill", f"{at_kill:,} (before the kill: {run.transport_before_kill:,})"
                                     + (f"; {counts(t.transport)}" if t.transport else "")),
        ("SIGKILL", f"after {run.killed_at:,.1f} s, {run.acked_at_kill:,} acknowledged, "
                    f"{run.in_flight_at_kill:,} in flight"
                    + (" (nothing was in flight: every report was answered first)" if not run.in_flight_at_kill
                       else "")),
        ("restart on the same database", f"healthy in {run.restart_seconds:.1f} s" if run.restart_seconds is not None
         else f"FAILED ({run.restart_error})"),
        ("half-written hosts", f"{v.half_written:,}"),
        ("acknowledged then lost", f"{v.lost:,}"),
        ("hosts", v.notes()),
        ("server log lines (warnings, errors)", counts(run.log_errors)),
    ]
    width = max(len(label) for label, _ in rows) + 2
    head = (f"patchgap kill in flight on {name}: {n:,} collectors x {m:,} reports, up to {in_flight:,} in flight, "
            f"SIGKILL after {kill_after:.0%} acknowledged")
    return "\n".join([head, "", *(f"{label:<{width}}{value}" for label, value in rows)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.kill_inflight", description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", "-n", type=int, default=100, help="collectors (default 100)")
    parser.add_argument("--reports", "-m", type=int, default=10, help="reports per collector (default 10)")
    parser.add_argument("--in-flight", type=int, default=None, help="concurrent posts (default: all reports)")
    parser.add_argument("--kill-after", type=float, default=0.3,
                        help="share of all reports acknowledged before SIGKILL (default 0.3)")
    parser.add_argument("--db", default="sqlite", help="sqlite, a postgresql:// admin URL, or both")
    parser.add_argument("--pg", default=None, help="PostgreSQL admin URL for --db both "
                        "(default: $PATCHGAP_TEST_POSTGRES_URL)")
    parser.add_argument("--packages", type=int, default=1_500, help="deb packages per host (default 1500)")
    parser.add_argument("--changed", type=int, default=20, help="packages upgraded between reports (default 20)")
    parser.add_argument("--timeout", type=float, default=300.0, help="client timeout in seconds (default 300)")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for SQLite files and the server log")
    parser.add_argument("--seed", type=int, default=20260105, help="seed of the fleet and its reports")
    args = parser.parse_args(argv)
    in_flight = args.in_flight or args.collectors * args.reports
    fleet_of = reports_gen.collectors(args.collectors, args.seed)
    start = time.perf_counter()
    prepared = reports_gen.prepare(fleet_of, args.reports, per_host=args.packages, changed=args.changed,
                                   seed=args.seed)
    print(f"prepared {args.collectors * args.reports:,} reports in {time.perf_counter() - start:.1f} s\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="patchgap-kill-bench-") as tmp:
        for db in databases(args.db, args.pg):
            name = "SQLite" if db == "sqlite" else "PostgreSQL"
            run = kill_run(db, fleet_of, prepared, (args.workdir or Path(tmp)) / name.lower(), in_flight,
                           args.kill_after, args.timeout)
            print(render(name, args.collectors, args.reports, in_flight, args.kill_after, run) + "\n", flush=True)


if __name__ == "__main__":
    main()
