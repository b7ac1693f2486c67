"""What ``patchgap-collect once`` costs a PC with ~2,000 packages: CPU time,
peak memory and the bytes it sends, for a full report, a delta and a
heartbeat, through the osquery stand-in (Debian and RHEL rows) and the
native dpkg reader, against the API on a loopback port.

    .venv/bin/python -m bench.collector_footprint [--packages 2000] [--repeat 3] [--changed 5]

Each ``once`` is its own child process: CPU is its user + system time and
peak memory its ``ru_maxrss`` (``os.wait4``), so the interpreter's start and
every import count, as on a PC. The floor, measured in the same run, is the
bare interpreter and the interpreter importing the collector's CLI. Bytes are
the request bodies as they reach the server (gzip, as sent), logged by
:class:`tests.request_log.RequestLog` around the API; the stand-in and the
server run in this process and never count in the child's figures.

Runs: ``first`` enrolls and sends the first full report; ``full`` sends a full
report again (the record of the last report removed first); ``heartbeat``
sends with nothing changed; ``delta`` after ``--changed`` packages were
upgraded, one installed and one removed. The median of ``--repeat`` runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from collector import delta as deltas
from collector.sources import dpkg
from server.api import create_app
from server.api.background import serving
from server.db import migrate
from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Host, HostSoftware
from server.inventory import enroll
from server.settings import Settings
from tests.osquery_standin.scenarios import load_scenario
from tests.osquery_standin.server import OsqueryStandIn
from tests.request_log import RequestLog

PYTHON = sys.executable
REPORT_PATHS = ("/api/v1/report", "/api/v1/report/delta")
GOALS = "goals: CPU < 1 s, peak < 60 MB, delta < 2 KB"
# Every child runs its command under this preamble, which writes the
# process's peak resident set (VmHWM) when it exits. ru_maxrss cannot tell
# it: Linux carries the parent's peak into a forked child across exec, and
# this process holds the server and the stand-in.
PREAMBLE = """import atexit, os, sys
def _peak():
    with open('/proc/self/status') as status:
        kib = next(line.split()[1] for line in status if line.startswith('VmHWM'))
    with open(os.environ['FOOTPRINT_PEAK_FILE'], 'w') as out:
        out.write(kib)
atexit.register(_peak)
"""
COLLECTOR = "import runpy; runpy.run_module('collector', run_name='__main__', alter_sys=True)"
# The native source reads dpkg's status database at a fixed path; the child
# reads the generated one instead, through the same code.
NATIVE = ("from pathlib import Path; from collector.sources import dpkg; dpkg.DEFAULT_STATUS = Path(sys.argv.pop(1)); "
          "from collector.cli import main; main()")
FLOOR = (("python -c pass", "pass"), ("python -c 'import collector.cli'", "import collector.cli"))


@dataclass(frozen=True)
class Sample:
    cpu: float  # seconds, user + system
    peak_mb: float  # ru_maxrss
    wall: float
    sent: int  # report body bytes, gzip
    paths: tuple[str, ...]  # report requests and their statuses


def run_child(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Run ``python -c PREAMBLE+code args``: CPU seconds, peak MB, wall seconds, exit code, stderr."""
    with tempfile.NamedTemporaryFile(prefix="peak-", delete=False) as peak_file:
        env = {**env, "FOOTPRINT_PEAK_FILE": peak_file.name}
    try:
        started = time.monotonic()
        process = subprocess.Popen([PYTHON, "-c", PREAMBLE + code, *args], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert process.stderr is not None
        errors = process.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stderr.close()
        peak_kib = Path(peak_file.name).read_text() or "0"
    finally:
        os.unlink(peak_file.name)
    return usage.ru_utime + usage.ru_stime, int(peak_kib) / 1024, wall, process.returncode, errors


# --- the machine: ~2,000 packages -------------------------------------------------------------

def deb_rows(count: int, generation: int = 0, changed: int = 0) -> list[dict[str, str]]:
    """``count`` dpkg packages; generation g upgrades ``changed`` of them, installs one and removes one."""
    rows = []
    upgraded = {(generation * changed + k) % count for k in range(changed)} if generation else set()
    for i in range(count):
        if generation and i == (generation * 7) % count:
            continue  # removed in this generation
        revision = f"{i % 5 + 1}+deb12u{i % 3 + (generation if i in upgraded else 0)}"
        upstream = f"{i % 9 + 1}.{i % 50}.{i % 7}"
        rows.append({"name": f"lib{_word(i)}{i // 1000}", "version": f"{upstream}-{revision}",
                     "source": f"{_word(i)} ({upstream}-{revision})", "size": str(100 + i * 13 % 9000),
                     "arch": "amd64" if i % 6 else "all", "revision": revision, "status": "install ok installed",
                     "maintainer": "Debian Maintainers <debian-devel@lists.debian.org>", "section": "libs",
                     "priority": "optional", "admindir": "/var/lib/dpkg"})
    if generation:
        rows.append({**rows[0], "name": f"tool-new{generation}", "source": "", "version": f"{generation}.0-1",
                     "revision": "1"})
    return rows


def rpm_rows(count: int, generation: int = 0, changed: int = 0) -> list[dict[str, str]]:
    """The same machine as :func:`deb_rows`, as rpm_packages rows of an Enterprise Linux 9 host."""
    rows = []
    for row in deb_rows(count, generation, changed):
        upstream, _, revision = row["version"].partition("-")
        release = revision.replace("+deb12u", ".el9_")
        rows.append({"name": row["name"], "version": upstream, "release": release,
                     "source": f"{row['name']}-{upstream}-{release}.src.rpm", "size": row["size"], "sha1": "",
                     "arch": "x86_64" if row["arch"] == "amd64" else "noarch", "epoch": "",
                     "install_time": "1701864000", "vendor": "Red Hat, Inc.", "package_group": "Unspecified"})
    return rows


def dpkg_status(rows: list[dict[str, str]]) -> str:
    """A dpkg status database holding ``rows``, with the fields and description lines of a real one."""
    stanzas = []
    for row in rows:
        source = f"Source: {row['source']}\n" if row["source"] else ""
        stanzas.append(
            f"Package: {row['name']}\nStatus: {row['status']}\nPriority: {row['priority']}\n"
            f"Section: {row['section']}\nInstalled-Size: {row['size']}\nMaintainer: {row['maintainer']}\n"
            f"Architecture: {row['arch']}\n{source}Version: {row['version']}\n"
            f"Depends: libc6 (>= 2.34), zlib1g (>= 1:1.1.4)\n"
            f"Description: the {row['name']} library\n This package holds the shared library of {row['name']}.\n"
            f" .\n It is used by many programs.\n")
    return "\n".join(stanzas)


def _word(i: int) -> str:
    syllables = ("ka", "lo", "mi", "ne", "su", "ta", "ro", "vi", "de", "po")
    return syllables[i % 10] + syllables[i // 10 % 10] + syllables[i // 100 % 10]


# --- one source, all its runs ---------------------------------------------------------------

class Bench:
    def __init__(self, url: str, log: RequestLog, secret: str, workdir: Path, repeat: int) -> None:
        self.url, self.log, self.secret, self.workdir, self.repeat = url, log, secret, workdir, repeat
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_")}
        self.env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)

    def once(self, code: str, before: list[str], after: list[str], state: Path, first: bool = False) -> Sample:
        args = [*before, "once", "--server", self.url, "--state-dir", str(state), *after]
        if first:
            args += ["--enroll-secret", self.secret]
        mark = len(self.log.requests)
        cpu, peak, wall, status, errors = run_child(code, args, self.env)
        if status != 0:
            raise RuntimeError(f"once {' '.join(args)} exited {status}: {errors}")
        sent = [r for r in self.log.since(mark) if r.path in REPORT_PATHS]
        return Sample(cpu, peak, wall, sum(r.body_bytes for r in sent),
                      tuple(f"{r.path.rsplit('/', 1)[-1]} {r.status}" for r in sent))

    def source(self, code: str, before: list[str], after: list[str], state: Path,
               change: Callable[[int], None] | None) -> dict[str, list[Sample]]:
        """``code before once ... after``: the first run, then full, heartbeat and (with ``change``) delta runs."""
        runs: dict[str, list[Sample]] = {"first": [self.once(code, before, after, state, first=True)], "full": []}
        for _ in range(self.repeat):
            deltas.forget(state)  # the collector then sends in full, as on its first contact
            runs["full"].append(self.once(code, before, after, state))
        runs["heartbeat"] = [self.once(code, before, after, state) for _ in range(self.repeat)]
        if change is None:
            return runs
        runs["delta"] = []
        for generation in range(1, self.repeat + 1):
            change(generation)
            runs["delta"].append(self.once(code, before, after, state))
        return runs


def floor(env: dict[str, str], repeat: int) -> dict[str, dict[str, list[Sample]]]:
    """The bare interpreter, and the interpreter importing the collector's CLI (httpx, click, thrift...)."""
    runs: dict[str, dict[str, list[Sample]]] = {}
    for name, code in FLOOR:
        samples = []
        for _ in range(repeat):
            cpu, peak, wall, status, errors = run_child(code, [], env)
            if status:
                raise RuntimeError(errors)
            samples.append(Sample(cpu, peak, wall, 0, ()))
        runs[name] = {"floor": samples}
    return runs


def median(samples: list[Sample]) -> Sample:
    middle = sorted(samples, key=lambda s: s.cpu)[len(samples) // 2]
    return Sample(statistics.median(s.cpu for s in samples), statistics.median(s.peak_mb for s in samples),
                  statistics.median(s.wall for s in samples), int(statistics.median(s.sent for s in samples)),
                  middle.paths)


def row(label: str, run: str, sample: Sample) -> str:
    sent = f"{sample.sent:>9,}" if sample.paths else f"{'':>9}"
    return (f"{label:<34} {run:<10} {sample.cpu:>6.2f} {sample.peak_mb:>8.1f} {sample.wall:>7.2f} {sent}  "
            f"{', '.join(sample.paths)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.collector_footprint", description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=2000, help="packages on the machine [2000]")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; the median is shown [3]")
    parser.add_argument("--changed", type=int, default=5, help="packages upgraded before each delta [5]")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="patchgap-footprint-") as tmp:
        workdir = Path(tmp)
        db_url = f"sqlite:///{workdir / 'server.sqlite3'}"
        engine = make_engine(db_url)
        migrate.upgrade(engine)
        sessions = make_sessionmaker(engine)
        with sessions.begin() as session:
            secret = enroll.create_secret(session, "Bench").secret
        log = RequestLog(create_app(Settings(database_url=db_url), engine=engine))
        results: dict[str, dict[str, list[Sample]]] = {}
        with serving(log) as url:  # type: ignore[arg-type]
            bench = Bench(url, log, secret, workdir, args.repeat)
            results.update(floor(bench.env, args.repeat))
            for scenario, table, rows in (("debian", "deb_packages", deb_rows), ("rhel", "rpm_packages", rpm_rows)):
                machine = load_scenario(scenario)
                machine.tables[table] = rows(args.packages)
                with OsqueryStandIn(machine) as standin:
                    results[f"osquery stand-in, {scenario}"] = bench.source(
                        COLLECTOR, [], ["--source", "osquery", "--osquery-socket", standin.socket_path],
                        workdir / f"state-{scenario}", _replace_rows(standin, table, rows, args))
            status = workdir / "dpkg-status"
            status.write_text(dpkg_status(deb_rows(args.packages)))
            results["native (dpkg status)"] = bench.source(
                NATIVE, [str(status)], ["--source", "native"], workdir / "state-native",
                lambda generation: status.write_text(dpkg_status(deb_rows(args.packages, generation, args.changed))))
            if dpkg.DEFAULT_STATUS.is_file():  # real package names and versions compress less than generated ones
                # the same machine (machine id) as the native run: it keeps that run's node key
                shutil.copytree(workdir / "state-native", workdir / "state-here")
                deltas.forget(workdir / "state-here")
                results["native, this machine's dpkg"] = bench.source(
                    NATIVE, [str(dpkg.DEFAULT_STATUS)], ["--source", "native"], workdir / "state-here", None)
        with sessions() as session:
            stored = session.execute(select(Host.hostname, func.count(HostSoftware.software_id))
                                     .join(HostSoftware, HostSoftware.host_id == Host.id).group_by(Host.hostname)).all()
        engine.dispose()

    print(f"patchgap-collect once, {args.packages} packages, median of {args.repeat} "
          f"({args.changed} upgraded + 1 installed + 1 removed before each delta); {GOALS}")
    print(f"{'source':<34} {'run':<10} {'CPU s':>6} {'peak MB':>8} {'wall s':>7} {'bytes':>9}  requests")
    for label, runs in results.items():
        for run, samples in runs.items():
            print(row(label, run, median(samples)))
    print("software stored per host: " + ", ".join(f"{name} {count}" for name, count in stored))
    return 0


def _replace_rows(standin: OsqueryStandIn, table: str, rows: Callable[..., list[dict[str, str]]],
                  args: argparse.Namespace) -> Callable[[int], None]:
    """Put the machine of ``generation`` in the stand-in's ``table``."""

    def change(generation: int) -> None:
        standin.database.change(f"DELETE FROM {table}")
        for item in rows(args.packages, generation, args.changed):
            names, marks = ", ".join(f'"{k}"' for k in item), ", ".join("?" for _ in item)
            standin.database.change(f"INSERT INTO {table} ({names}) VALUES ({marks})", *item.values())

    return change


if __name__ == "__main__":
    raise SystemExit(main())
