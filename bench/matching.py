"""``python -m bench.matching``: the matcher at fleet scale, beside a naive baseline.

    .venv/bin/python -m bench.matching --hosts 10000 --db sqlite
    .venv/bin/python -m bench.matching --hosts 500                 # quick
    .venv/bin/python -m bench.matching --db postgresql://user:pw@127.0.0.1/postgres

Populates a fresh database in a child process, then measures in this one:
the full re-match, one host's report, one feed document, peak memory. The
naive baseline runs on a sample of hosts and is extrapolated to the fleet.
A benchmark, not a test: it prints figures and never fails on them.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from server.db.engine import make_engine, make_sessionmaker

from bench import measure, server_memory
from bench.floor import Floor, links_floor, rematch_floor
from bench.load import drop_database, fresh_database
from bench.populate import Counts, Spec, populate


@dataclass
class Results:
    counts: Counts
    populate_seconds: float
    full: measure.Timing
    full_again: measure.Timing
    one_host: measure.Timing
    new_host: measure.Timing
    one_feed: measure.Timing
    rematch_floor: Floor
    links_floor: Floor
    naive_sample: int
    agreement: str
    peak_rss_mib: float
    tracemalloc_mib: float | None = None
    server_peak_mib: float | None = None  # PostgreSQL's own processes (PSS) during the full re-match
    server_settings: dict[str, str] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)


def _populate(url: str, spec: Spec, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(populate(url, spec))


def run(db: str, spec: Spec, naive_sample: int, workdir: Path, trace: bool = False) -> Results:
    """Populate, measure, clean up; returns every figure."""
    url, admin = fresh_database(db, workdir)
    try:
        start = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_populate, args=(url, spec, queue))
        child.start()
        counts = queue.get()
        child.join()
        populate_seconds = time.perf_counter() - start
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        sample = measure.sample_hosts(sessions, naive_sample)
        if trace:
            tracemalloc.start()
        postgres = engine.dialect.name == "postgresql"
        with server_memory.PeakSampler() as server:
            full = measure.full_rematch(sessions)
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        tracemalloc.stop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        naive_seconds, naive_found = measure.naive_per_host(sessions, sample)
        full.naive_seconds = naive_seconds * counts.hosts
        agreement = measure.agreement(sessions, sample, naive_found)
        again = measure.full_rematch(sessions, full=False)
        linux = [h for h in sample if measure.is_linux(sessions, h)][:5]
        one_host = measure.one_host(sessions, linux)
        new_host = measure.new_host(sessions, linux)
        one_feed = measure.one_feed(sessions, sample, counts.hosts)
        floor = rematch_floor(sessions, measure.NOW)
        links = links_floor(sessions, linux, measure.NOW)
        tables = measure.counts(sessions)
        settings = server_memory.settings(sessions) if postgres else {}
        engine.dispose()
        return Results(counts, populate_seconds, full, again, one_host, new_host, one_feed, floor, links,
                       len(sample), agreement, peak, traced, tables=tables,
                       server_peak_mib=server.peak if postgres else None, server_settings=settings)
    finally:
        drop_database(url, admin)


def _time(seconds: float | None) -> str:
    if not seconds:
        return "-"
    return f"{seconds:,.2f} s" if seconds >= 1 else f"{seconds * 1000:,.1f} ms"


def _times(seconds: float, over: float | None) -> str:
    return f"{seconds / over:,.2f}x" if over else "-"


def render(results: Results, db: str) -> str:
    c = results.counts
    full, again, floor, links = results.full, results.full_again, results.rematch_floor, results.links_floor
    lines = [
        f"patchgap matching benchmark on {db}: {c.hosts:,} hosts, {c.software:,} distinct software rows, "
        f"{c.host_software:,} host-software links, {c.advisories:,} advisories, {c.affected:,} affected items",
        f"populated in {results.populate_seconds:.1f} s (child process, not measured below)",
        "",
        f"{'scenario':<44}{'patchgap':>11}{'p99':>10}{'naive':>11}{'naive/pg':>10}{'floor':>11}{'pg/floor':>10}",
    ]
    rows = [
        ("full re-match (rematch full=True)", full, floor.seconds),
        ("re-match, nothing changed (rematch)", again, None),
        ("one host: report with 20 changed packages", results.one_host, links.seconds),
        ("one new host: report of known software", results.new_host, links.seconds),
        ("one feed document (3 products)", results.one_feed, None),
    ]
    for label, timing, over in rows:
        naive = _times(timing.naive_seconds, timing.seconds) if timing.naive_seconds else "-"
        lines.append(f"{label:<44}{_time(timing.seconds):>11}{_time(timing.p99):>10}{_time(timing.naive_seconds):>11}"
                     f"{naive:>10}{_time(over):>11}{_times(timing.seconds, over):>10}")
    copy = f", COPY {_time(floor.copy)}" if floor.copy is not None else ""
    lines += [
        "",
        f"nothing changed costs {again.seconds / full.seconds:.1%} of a full re-match (scope: {again.note})"
        if full.seconds else "",
        f"full re-match found {full.counts['software_matches']:,} software matches and opened "
        f"{full.counts['opened']:,} findings; the feed document opened {results.one_feed.counts['opened']:,}",
        f"re-match floor: host_software x software_matches ({floor.rows:,} rows) written to findings by "
        f"INSERT ... SELECT {_time(floor.insert_select)}{copy}; the faster is the floor",
        f"ingest floor: one report's links ({links.rows:,} rows) deleted and bulk-inserted by the driver "
        f"({'COPY' if floor.copy is not None else 'executemany'}), median of the sampled Linux hosts",
        f"naive figures: measured on {results.naive_sample} hosts (every release and Windows) and multiplied by "
        f"{c.hosts:,} hosts for the fleet-wide rows; the host rows are the naive time of one host",
        f"naive and patchgap findings on the sample: {results.agreement}",
        f"peak memory (ru_maxrss of the measuring process): {results.peak_rss_mib:,.0f} MiB"
        + (f"; tracemalloc peak during the full re-match: {results.tracemalloc_mib:,.0f} MiB"
           if results.tracemalloc_mib is not None else ""),
        f"tables after: {results.tables}",
    ]
    if results.server_settings:
        server = (f"{results.server_peak_mib:,.0f} MiB" if results.server_peak_mib is not None
                  else "not readable (server not on this machine, or its processes not ours to read)")
        lines.append(f"PostgreSQL server memory during the full re-match (peak sum of PSS of its processes): {server}; "
                     + ", ".join(f"{k} {v}" for k, v in results.server_settings.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10_000, help="fleet size (default 10000)")
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a postgresql:// admin URL")
    parser.add_argument("--affected", type=int, default=None, help="affected items (default 30 per host, max 300000)")
    parser.add_argument("--packages", type=int, default=3_000, help="packages in each release's universe")
    parser.add_argument("--per-host", type=int, default=1_500, help="packages on each Linux host")
    parser.add_argument("--naive-sample", type=int, default=16, help="hosts the naive loop is measured on")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the SQLite file")
    parser.add_argument("--seed", type=int, default=Spec.seed)
    args = parser.parse_args(argv)
    affected = args.affected or min(300_000, 30 * args.hosts)
    spec = Spec(hosts=args.hosts, affected=affected, packages=args.packages, per_host=args.per_host, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="patchgap-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        results = run(args.db, spec, args.naive_sample, workdir, trace=args.tracemalloc)
    print(render(results, "SQLite" if args.db == "sqlite" else "PostgreSQL"))


if __name__ == "__main__":
    main()
