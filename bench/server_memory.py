"""The PostgreSQL server's own memory while a benchmark runs.

A backend's resident set counts every shared-buffer page it has touched, so
summing RSS over processes counts shared memory once per backend. The
proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``) splits each
shared page between the processes that map it: the sum over every
``postgres`` process is the server's real footprint. Readable only when the
server runs on this machine and we may read its ``/proc`` entries (root, or
the same user); otherwise the figure is reported as unavailable.
"""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

SETTINGS = ("shared_buffers", "work_mem", "maintenance_work_mem", "max_wal_size")


def _pss_kib(pid: Path) -> int:
    try:
        if (pid / "comm").read_text().strip() != "postgres":
            return 0
        for line in (pid / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):  # gone, or not ours to read
        return 0
    return 0


def server_pss_mib() -> float | None:
    """Sum of PSS over this machine's postgres processes, or None if none are readable."""
    total = sum(_pss_kib(pid) for pid in Path("/proc").iterdir() if pid.name.isdigit())
    return total / 1024 if total else None


class PeakSampler:
    """Samples ``server_pss_mib`` in a thread while the ``with`` block runs."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            now = server_pss_mib()
            if now is not None:
                self.peak = max(self.peak or 0.0, now)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def settings(sessions: sessionmaker[Session]) -> dict[str, str]:
    """The memory settings the figure depends on, as PostgreSQL shows them."""
    with sessions() as session:
        return {name: session.execute(text(f"SHOW {name}")).scalar_one() for name in SETTINGS}
