"""`patchgap serve --workers 2` as a real child process: on PostgreSQL two API
processes take reports behind one port; SQLite runs one process and says so."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from server.api.background import free_port
from server.db.engine import normalise_url
from server.db.models import Host
from server.reports.i18n import phrase
from tests.reports import debian_host, software
from tests.server.test_api import enroll_host, post_report
from tests.e2e.test_whole_path import Serve, secret_for

SENDERS = 8
ROUNDS = 6


def workers_of(parent: int) -> list[int]:
    """The uvicorn worker processes ``parent`` spawned."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return sorted(found)


def connected_to(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a TCP connection to ``port`` on loopback
    (its socket inodes, looked up in the kernel's TCP table)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                return True
    return False


def report_of(sender: int, number: int):  # type: ignore[no-untyped-def]
    packages = [software(f"pkg{p}", f"1.{number}-1") for p in range(30)]
    return debian_host(uuid=f"uuid-{sender}", hostname=f"pc-{sender}", packages=packages)


def send_all(url: str, keys: list[str]) -> list[int]:
    """Every sender posts ROUNDS reports, each on a new connection (so the
    kernel hands them to either worker)."""

    def send(sender: int) -> list[int]:
        statuses = []
        for number in range(ROUNDS):
            with httpx.Client(base_url=url, timeout=120) as client:
                statuses.append(post_report(client, keys[sender], report_of(sender, number)).status_code)
        return statuses

    with ThreadPoolExecutor(SENDERS) as pool:
        return [status for statuses in pool.map(send, range(SENDERS)) for status in statuses]


def test_two_workers_take_reports_on_postgresql_and_sqlite_says_it_runs_one(db_url: str) -> None:
    sqlite = db_url.startswith("sqlite")
    lang = "vi" if sqlite else "en"
    server = Serve(db_url, free_port(), options=("--workers", "2"), lang=lang)
    server.start()
    try:
        secret = secret_for(db_url, "Phòng Kỹ thuật")
        with httpx.Client(base_url=server.url, timeout=120) as client:
            keys = [enroll_host(client, secret, report_of(sender, 0)) for sender in range(SENDERS)]
        assert send_all(server.url, keys) == [200] * SENDERS * ROUNDS
        workers = workers_of(server.process.pid)  # type: ignore[union-attr]
        if not sqlite:
            # A worker opens its pooled database connection with its first
            # request: both hold one, so both took reports.
            db_port = make_url(normalise_url(db_url)).port or 5432
            assert len(workers) == 2
            assert [connected_to(pid, db_port) for pid in workers] == [True, True]
    finally:
        output = server.stop()
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Host)) == SENDERS
    engine.dispose()
    # A new database has no re-match recorded: serve re-matches (nothing) before serving.
    assert phrase("rematch_full", lang, opened=0, resolved=0, seconds=0).split("(")[0] in output
    if sqlite:
        assert workers == []
        assert phrase("sqlite_one_worker", "vi", asked=2) in output
        assert phrase("serving", "vi", url=server.url, db=db_url) in output
    else:
        shown = make_url(db_url).render_as_string(hide_password=True)
        assert phrase("serving_workers", "en", url=server.url, db=shown, workers=2) in output
