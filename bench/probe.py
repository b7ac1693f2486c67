"""What ``bench.ingest_load`` watches besides the reports: probes of the
server's responsiveness while the load runs, and oversized bodies it must
refuse without stalling.

- :class:`Probe` GETs one path every 100 ms from its own thread (one httpx
  client, one probe at a time: a probe slower than the interval delays the
  next) and keeps each probe's start and latency. ``/api/v1/health`` runs in
  the server's thread pool and opens a database connection; an unknown path
  (404, answered by the router on the event loop, no thread, no database)
  measures the event loop alone.
- :func:`big_body` is a report of :data:`BIG_ITEMS` software items (over the
  50,000-item limit) padded to ~15 MB of JSON (under the 16 MiB body limit),
  so the server reads, parses and refuses all of it. :class:`BigPoster` posts
  K of them one after the other, alternately as sent (identity) and gzip.
"""
from __future__ import annotations

import datetime as dt
import gzip
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from collector import limits, wire
from collector.push import REPORT_PATH

from bench.reports_gen import Collector

HEALTH_PATH = "/api/v1/health"
LOOP_PATH = "/api/v1/bench-event-loop-probe"  # no such route: a 404 from the event loop
BIG_ITEMS = 60_000
BIG_TARGET = 15_500_000  # bytes of JSON; the limit is limits.MAX_REPORT_BYTES (16 MiB)


@dataclass(frozen=True)
class Latency:
    probes: int
    p50: float | None
    p99: float | None
    worst: float | None
    failures: Counter[str]


def latency_of(values: list[float], failures: Counter[str] | None = None) -> Latency:
    failures = failures or Counter()
    if not values:
        return Latency(0, None, None, None, failures)
    if len(values) == 1:
        return Latency(1, values[0], values[0], values[0], failures)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return Latency(len(values), cuts[49], cuts[98], max(values), failures)


class Probe:
    """GET ``base + path`` every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, base: str, path: str, *, interval: float = 0.1, timeout: float = 30.0,
                 ok: int = 200) -> None:
        self.url, self.interval, self.timeout, self.ok = base + path, interval, timeout, ok
        self.samples: list[tuple[float, float]] = []  # (perf_counter at start, seconds)
        self.failures: list[tuple[float, str]] = []  # (perf_counter at start, status or exception)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            tick = time.perf_counter()
            while not self._stop.is_set():
                start = time.perf_counter()
                try:
                    status = client.get(self.url).status_code
                    why = "" if status == self.ok else str(status)
                except httpx.HTTPError as exc:
                    why = type(exc).__name__
                seconds = time.perf_counter() - start
                if why:
                    self.failures.append((start, why))
                else:
                    self.samples.append((start, seconds))
                tick = max(tick + self.interval, time.perf_counter())
                self._stop.wait(tick - time.perf_counter())

    def latency(self, windows: list[tuple[float, float]] | None = None) -> Latency:
        """Over every probe, or over those that overlap one of ``windows`` (perf_counter spans)."""
        def inside(start: float, seconds: float) -> bool:
            return windows is None or any(start < end and start + seconds > begin for begin, end in windows)
        failed = Counter(why for start, why in self.failures if inside(start, 0.0))
        return latency_of([s for start, s in self.samples if inside(start, s)], failed)


def big_body(collector: Collector, items: int = BIG_ITEMS, target: int = BIG_TARGET) -> bytes:
    """Wire JSON of a report with ``items`` software items, ~``target`` bytes."""
    def report(pad: int) -> wire.Report:
        software = [wire.Software(name=f"bench-big-{i:05d}-{'x' * pad}", version="1:2.36.1-8+deb12u1",
                                  ecosystem="deb", arch="amd64", source_package=f"bench-big-src-{i // 8:05d}")
                    for i in range(items)]
        return wire.Report(
            host=wire.HostInfo(uuid=collector.uuid, hostname=collector.hostname),
            os=wire.OsInfo(name="Debian GNU/Linux", version="12 (bookworm)", platform="debian",
                           codename="bookworm", major=12, minor=0, arch="x86_64"),
            collector=wire.CollectorInfo(version="0.1.0", source="native"),
            collected_at=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat(),
            software=software)
    base = len(wire.dumps(report(0)))
    pad = max(0, min(limits.SOFTWARE_NAME - 32, (target - base) // items))
    body = wire.dumps(report(pad))
    assert len(body) < limits.MAX_REPORT_BYTES, len(body)
    return body


@dataclass
class BigPoster:
    """Posts ``count`` oversized bodies one after the other (thread), recording when each ran."""

    base: str
    node_key: str
    body: bytes
    count: int
    timeout: float = 120.0
    windows: list[tuple[float, float]] = field(default_factory=list)  # perf_counter (start, end)
    answers: Counter[str] = field(default_factory=Counter)  # status or exception
    gzipped: bytes = b""

    def __post_init__(self) -> None:
        self.gzipped = gzip.compress(self.body, mtime=0)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            for i in range(self.count):
                headers = {"Authorization": f"Bearer {self.node_key}", "Content-Type": "application/json"}
                content = self.body
                if i % 2:
                    headers["Content-Encoding"] = "gzip"
                    content = self.gzipped
                start = time.perf_counter()
                try:
                    why = str(client.post(self.base + REPORT_PATH, content=content, headers=headers).status_code)
                except httpx.HTTPError as exc:
                    why = type(exc).__name__
                self.windows.append((start, time.perf_counter()))
                self.answers[why] += 1

    def latency(self) -> Latency:
        return latency_of([end - start for start, end in self.windows])
