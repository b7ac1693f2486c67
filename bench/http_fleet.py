"""Collectors over real HTTP: a ``patchgap serve`` child process, enrollment
and report posts, and a tally of what the server answered.

The server runs as ``python -m server --db URL serve --port P`` in its own
process group (so a benchmark can SIGKILL it whole), logging to a file.
Enrollment goes through the CLI's ``enroll-secret create`` and
``POST /api/v1/enroll``; a 429 or 503 answer is retried after its
``Retry-After``. Report posts are *not* retried: every answer is counted.
"""
from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from collector import wire
from collector.push import ENROLL_PATH, REPORT_PATH
from server.api.background import free_port
from server.reports.i18n import PHRASES

from bench.reports_gen import Collector

PYTHON = sys.executable
RETRY_STATUSES = frozenset({429, 503})
# What ``serve`` says as it starts, in either language: the catalogue's
# texts up to their first value. Not warnings.
START_UP = tuple(text.split("{", 1)[0] for key in ("serving", "serving_workers", "sqlite_one_worker", "rematch_none",
                                                    "rematch_rules", "rematch_full") for text in PHRASES[key])


class Serve:
    """``patchgap serve`` on a free loopback port, in its own process group."""

    def __init__(self, db_url: str, log: Path, port: int | None = None, workers: int = 1) -> None:
        self.db_url, self.log, self.port, self.workers = db_url, log, port or free_port(), workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> float:
        """Start and wait for ``/api/v1/health``; returns the seconds it took."""
        start = time.perf_counter()
        command = [PYTHON, "-m", "server", "--db", self.db_url, "serve", "--port", str(self.port),
                   "--log-level", "warning", "--workers", str(self.workers)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}; see {self.log}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return time.perf_counter() - start
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"serve did not become healthy in {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group (the server and anything it started)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def last_log_line(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines() if self.log.is_file() else []
        return next((line.strip() for line in reversed(lines) if line.strip()), "")

    def log_errors(self) -> Counter[str]:
        """The server log's lines but what ``serve`` says as it starts
        (``START_UP``), counted by text (the first 100 characters).

        ``serve`` runs with ``--log-level warning``, so every other line is a
        warning, an error or part of a traceback; patchgap's own loggers print
        bare messages (no level name), so none can be told apart by "ERROR"."""
        if not self.log.is_file():
            return Counter()
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return Counter(line.strip()[:100] for line in lines if line.strip() and not line.startswith(START_UP))


def databases(db: str, pg: str | None) -> list[str]:
    """``--db`` as a list: ``sqlite``, one PostgreSQL admin URL, or ``both``
    (SQLite, then ``pg`` or ``$PATCHGAP_TEST_POSTGRES_URL``)."""
    if db != "both":
        return [db]
    pg = pg or os.environ.get("PATCHGAP_TEST_POSTGRES_URL")
    if not pg:
        raise SystemExit("--db both needs --pg URL or PATCHGAP_TEST_POSTGRES_URL")
    return ["sqlite", pg]


def create_secret(db_url: str, unit: str = "Phòng Kỹ thuật") -> str:
    """``patchgap --db URL enroll-secret create --unit U``: the secret it prints."""
    done = subprocess.run([PYTHON, "-m", "server", "--db", db_url, "enroll-secret", "create", "--unit", unit],
                          capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"enroll-secret create failed: {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1]


def _retry_after(response: httpx.Response, attempt: int) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return min(5.0, 0.2 * 2**attempt)


@dataclass
class Enrollment:
    keys: dict[int, str]  # collector index -> node key
    retried: Counter[int]  # 429/503 answers waited out
    failed: Counter[str]  # collectors left without a node key, by why
    seconds: float


def enroll_all(base: str, secret: str, fleet_of: list[Collector], workers: int = 16,
               attempts: int = 50) -> Enrollment:
    """Enroll every collector; one that is refused is counted, not fatal."""
    done = Enrollment({}, Counter(), Counter(), 0.0)
    lock = threading.Lock()

    def one(collector: Collector) -> None:
        body = wire.dumps(wire.EnrollRequest(enroll_secret=secret, host_uuid=collector.uuid,
                                             hostname=collector.hostname))
        why = "gave up retrying"
        with httpx.Client(timeout=60) as client:
            for attempt in range(attempts):
                try:
                    response = client.post(base + ENROLL_PATH, content=body,
                                           headers={"Content-Type": "application/json"})
                except httpx.HTTPError as exc:
                    why = type(exc).__name__
                    break
                answer = response.json() if response.status_code == 200 else {}
                if response.status_code == 200 and answer.get("status", "enrolled") == "enrolled":
                    with lock:
                        done.keys[collector.index] = str(answer["node_key"])
                    return
                if response.status_code not in RETRY_STATUSES:
                    why = str(answer.get("status") or response.status_code)
                    break
                with lock:
                    done.retried[response.status_code] += 1
                time.sleep(_retry_after(response, attempt))
        with lock:
            done.failed[why] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(fleet_of)))) as pool:
        list(pool.map(one, fleet_of))
    done.seconds = time.perf_counter() - start
    return done


@dataclass
class Tally:
    """What the server answered to report posts (thread-safe)."""

    accepted: int = 0
    by_status: Counter[int] = field(default_factory=Counter)  # every non-200 answer
    transport: Counter[str] = field(default_factory=Counter)  # exception class -> count
    latencies: list[float] = field(default_factory=list)  # seconds, accepted posts only
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sent(self) -> int:
        return self.accepted + sum(self.by_status.values()) + sum(self.transport.values())

    def rejected(self) -> Counter[int]:
        return Counter({s: n for s, n in self.by_status.items() if s < 500})

    def server_errors(self) -> Counter[int]:
        return Counter({s: n for s, n in self.by_status.items() if s >= 500})

    def percentile(self, q: float) -> float | None:
        if not self.latencies:
            return None
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(q) - 1]


def post_report(client: httpx.Client, base: str, node_key: str, body: bytes, tally: Tally) -> bool:
    """POST one encoded report, count the answer; True when acknowledged (200)."""
    headers = {"Authorization": f"Bearer {node_key}", "Content-Encoding": "gzip",
               "Content-Type": "application/json"}
    start = time.perf_counter()
    try:
        status = client.post(base + REPORT_PATH, content=body, headers=headers).status_code
    except httpx.HTTPError as exc:
        with tally.lock:
            tally.transport[type(exc).__name__] += 1
        return False
    seconds = time.perf_counter() - start
    with tally.lock:
        if status == 200:
            tally.accepted += 1
            tally.latencies.append(seconds)
        else:
            tally.by_status[status] += 1
    return status == 200


def counts(counter: Counter[int] | Counter[str]) -> str:
    """``0`` or ``503: 12, 429: 3``."""
    total = sum(counter.values())
    if not total:
        return "0"
    return f"{total:,} ({', '.join(f'{k}: {n:,}' for k, n in counter.most_common())})"
