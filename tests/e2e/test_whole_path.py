"""The whole path over real HTTP on loopback: `patchgap serve` in its own
process, collectors (native source, and osquery through the Thrift stand-in)
enrolling and reporting, the admin CLI reading the result; the server going
down mid-way and the spool delivering what it kept."""
from __future__ import annotations

import datetime as dt

import json
import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.api.background import free_port
from tests.tls import self_signed

PYTHON = sys.executable


def patchgap(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "server", "--db", db_url, *args], capture_output=True, text=True, timeout=120)


def collect(server: str, state: Path, *args: str, secret: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_")}
    command = [PYTHON, "-m", "collector", "once", "--server", server, "--state-dir", str(state), *args]
    if secret:
        command += ["--enroll-secret", secret]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


class Serve:
    """`patchgap serve` as a child process on a free loopback port."""

    def __init__(self, db_url: str, port: int, tls: tuple[Path, Path] | None = None,
                 options: tuple[str, ...] = (), lang: str = "en") -> None:
        self.db_url, self.port, self.tls, self.options, self.lang = db_url, port, tls, options, lang
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        command = [PYTHON, "-m", "server", "--db", self.db_url, "--lang", self.lang, "serve", "--port", str(self.port),
                   "--log-level", "warning", *self.options]
        if self.tls:
            command += ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.process.stdout.read() if self.process.stdout else ''}")
            try:
                verify = ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else True
                if httpx.get(f"{self.url}/api/v1/health", timeout=1, verify=verify).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("serve did not become healthy")

    def stop(self) -> str:
        """Stop the server; returns what it printed."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
        return self.process.communicate(timeout=30)[0] if self.process else ""


@pytest.fixture
def serve(db_url: str) -> Iterator[Serve]:
    server = Serve(db_url, free_port())
    server.start()
    yield server
    server.stop()


def secret_for(db_url: str, unit: str) -> str:
    done = patchgap(db_url, "enroll-secret", "create", "--unit", unit)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_native_and_osquery_collectors_to_gaps(serve: Serve, tmp_path: Path, osquery_standin, fixtures_dir: Path) -> None:  # type: ignore[no-untyped-def]
    db = serve.db_url
    secret = secret_for(db, "Văn phòng")

    native = collect(serve.url, tmp_path / "native", "--source", "native", secret=secret)
    assert native.returncode == 0, native.stderr
    assert "report sent" in native.stdout

    socket_path = osquery_standin("windows")
    windows = collect(serve.url, tmp_path / "win", "--source", "osquery", "--osquery-socket", socket_path, secret=secret)
    assert windows.returncode == 0, windows.stderr

    debian = collect(serve.url, tmp_path / "deb", "--source", "osquery", "--osquery-socket", osquery_standin("debian"),
                     secret=secret)
    assert debian.returncode == 0, debian.stderr

    hosts = json.loads(patchgap(db, "hosts", "--format", "json").stdout)
    by_name = {h["host"]: h for h in hosts}
    assert set(by_name) >= {"PC-ACC-017"} and len(hosts) == 3
    assert by_name["PC-ACC-017"]["build"] == "10.0.19045.4291"
    dpkg = subprocess.run(["dpkg-query", "-W"], capture_output=True, text=True)
    if dpkg.returncode == 0:
        # This machine, collected natively: every package dpkg knows is there.
        (this,) = [h for h in hosts if h["host"] not in ("PC-ACC-017", "build-07.example.lan")]
        assert this["software"] == len(dpkg.stdout.splitlines())

    imported = patchgap(db, "warnings", "import", str(fixtures_dir / "warnings" / "e2e.csv"))
    assert imported.returncode == 0, imported.stderr
    gaps = json.loads(patchgap(db, "gaps", "--format", "json").stdout)
    found = {(g["host"], g["advisory"], g["item"], g["installed"], g["fixed"]) for g in gaps}
    assert ("PC-ACC-017", "E2E-1/TEST", "Windows 10.0.19045", "10.0.19045.4291", "10.0.19045.4529") in found
    stand_in_debian = [g for g in gaps if g["advisory"] == "E2E-2/TEST" and g["installed"] == "3.0.11-1~deb12u2"]
    assert {g["item"] for g in stand_in_debian} == {"openssl", "libssl3"}

    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    weekly = json.loads(patchgap(db, "report", "weekly", "--week-ending", today, "--format", "json").stdout)
    summary = weekly["summary"]
    assert (summary["hosts"], summary["reporting"], summary["open_gaps"]) == (3, 3, len(gaps))
    assert summary["with_gaps"] >= 2 and summary["overdue_hosts"] == 1
    assert [u["unit"] for u in weekly["per_unit"]] == ["Văn phòng"]

    # Reporting the same inventory again changes nothing.
    again = collect(serve.url, tmp_path / "win", "--source", "osquery", "--osquery-socket", socket_path)
    assert again.returncode == 0
    assert {g["advisory"] for g in json.loads(patchgap(db, "gaps", "--host", "PC-ACC-017", "--format", "json").stdout)} == {"E2E-1/TEST"}


def test_server_down_during_once_spools_and_next_once_delivers(db_url: str, tmp_path: Path, osquery_standin) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    server = Serve(db_url, port)
    secret = secret_for(db_url, "Phòng Nội vụ")
    socket_path = osquery_standin("rhel")
    state = tmp_path / "collector"

    down = collect(server.url, state, "--source", "osquery", "--osquery-socket", socket_path, secret=secret)
    assert down.returncode == 75, down.stderr
    assert "spooled" in down.stderr
    assert len(list((state / "spool").glob("*.json.gz"))) == 1

    server.start()
    try:
        up = collect(server.url, state, "--source", "osquery", "--osquery-socket", socket_path, secret=secret)
        assert up.returncode == 0, up.stderr
        assert list((state / "spool").glob("*.json.gz")) == []
        hosts = json.loads(patchgap(db_url, "hosts", "--format", "json").stdout)
        assert [(h["unit"], h["software"] > 0) for h in hosts] == [("Phòng Nội vụ", True)]
    finally:
        server.stop()


def test_collector_over_tls(db_url: str, tmp_path: Path, osquery_standin) -> None:  # type: ignore[no-untyped-def]
    cert, key = self_signed(tmp_path)
    server = Serve(db_url, free_port(), tls=(cert, key))
    server.start()
    try:
        secret = secret_for(db_url, "Văn phòng")
        socket_path = osquery_standin("macos")
        untrusted = collect(server.url, tmp_path / "a", "--source", "osquery", "--osquery-socket", socket_path,
                            secret=secret)
        # An unknown certificate is a failure to reach the server: spooled, not sent.
        assert untrusted.returncode == 75, untrusted.stderr
        trusted = collect(server.url, tmp_path / "a", "--source", "osquery", "--osquery-socket", socket_path,
                          "--ca-cert", str(cert), secret=secret)
        assert trusted.returncode == 0, trusted.stderr
        hosts = json.loads(patchgap(db_url, "hosts", "--format", "json").stdout)
        assert [h["os"].split()[0] for h in hosts] == ["macOS"]
    finally:
        server.stop()
