"""``patchgap-collect`` end to end against a tiny stdlib HTTP peer speaking wire.py's contract."""
from __future__ import annotations

import gzip
import json
import socket
import ssl
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from collector import wire
from collector.cli import cli
from collector.config import ENV
from collector.spool import REJECTED
from tests.tls import self_signed

SECRET = "enroll-me"


class Peer(ThreadingHTTPServer):
    """Answers /api/v1/enroll and /api/v1/report like the server; remembers what it got."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.keys = {"nk-1"}
        self.report_status = 200
        self.triage_requested = False
        self.triage_status = 200
        self.requests: list[dict[str, Any]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Peer

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
        if self.path == "/api/v1/enroll":
            if json.loads(body)["enroll_secret"] != SECRET:
                return self._answer(403, {"detail": "unknown enroll secret"})
            self.server.keys.add("nk-new")
            return self._answer(200, {"node_key": "nk-new", "host_id": 7, "unit": "it"})
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if key not in self.server.keys:
            return self._answer(401, {"detail": "invalid node key"})
        if self.path == "/api/v1/triage":
            if self.server.triage_status != 200:
                return self._answer(self.server.triage_status, {"detail": "no triage snapshot was asked"})
            return self._answer(200, {"stored": len(json.loads(body)["results"])})
        if self.server.report_status != 200:
            return self._answer(self.server.report_status, {"detail": "report does not validate"})
        self._answer(200, {"host_id": 7, "software_added": 1, "software_removed": 0, "findings_open": 3,
                           "triage_requested": self.server.triage_requested})


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tls_peer(peer: Peer, tmp_path: Path) -> tuple[Peer, Path]:
    """The same peer behind TLS with a fresh self-signed certificate for 127.0.0.1."""
    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    peer.socket = context.wrap_socket(peer.socket, server_side=True)
    peer.url = peer.url.replace("http://", "https://")
    return peer, cert


@pytest.fixture
def closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ENV.values():
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "collector.ini").write_text("[collector]\nsource = native\n")
    return tmp_path


def invoke(state: Path, *args: str) -> Result:
    common = ["--config", str(state / "collector.ini"), "--state-dir", str(state / "st")]
    # These tests read the English texts: a Vietnamese PATCHGAP_LANG or locale
    # on the machine running them must not change the language.
    return CliRunner().invoke(cli, [args[0], *common, *args[1:]], env={"PATCHGAP_LANG": "en"})


def spooled(state: Path) -> list[Path]:
    return sorted((state / "st" / "spool").glob("*.json.gz"))


def reports(peer: Peer) -> list[dict[str, Any]]:
    return [r for r in peer.requests if r["path"] == "/api/v1/report"]


def test_show_json_parses_back(state: Path) -> None:
    result = invoke(state, "show", "--json", "--source", "native")
    assert result.exit_code == 0, result.output
    report = wire.report_from_dict(json.loads(result.stdout))
    assert report.collector.source == "native" and report.software and report.host.uuid


def test_show_summary(state: Path) -> None:
    result = invoke(state, "show", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Host ") and "Software " in result.stdout and "NAME" in result.stdout


def test_server_down_spools_and_exits_75(state: Path, closed_url: str) -> None:
    result = invoke(state, "once", "--server", closed_url, "--enroll-secret", SECRET)
    assert result.exit_code == 75, result.output
    [path] = spooled(state)
    assert f"spooled to {path}" in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_spooled_report_goes_first_then_the_new_one(state: Path, closed_url: str, peer: Peer) -> None:
    assert invoke(state, "once", "--server", closed_url, "--enroll-secret", SECRET).exit_code == 75
    [path] = spooled(state)
    first = json.loads(gzip.decompress(path.read_bytes()))
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert result.exit_code == 0, result.output
    assert "report sent" in result.stdout and "3 open findings" in result.stdout
    sent = reports(peer)
    assert [r["json"] for r in sent][0] == first and len(sent) == 2
    assert spooled(state) == []


def test_enrollment_and_gzip_body(state: Path, peer: Peer) -> None:
    assert invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET).exit_code == 0
    enroll, report = peer.requests
    assert enroll["path"] == "/api/v1/enroll" and enroll["json"]["enroll_secret"] == SECRET
    assert report["headers"]["Authorization"] == "Bearer nk-new"
    assert report["headers"]["Content-Encoding"] == "gzip"
    assert report["headers"]["Content-Type"] == "application/json"
    parsed = wire.report_from_dict(report["json"])
    assert parsed.host.uuid == enroll["json"]["host_uuid"] and parsed.collector.source == "native"
    key = state / "st" / "node_key"
    assert key.read_text().strip() == "nk-new" and stat.S_IMODE(key.stat().st_mode) == 0o600


def test_4xx_moves_report_to_rejected(state: Path, peer: Peer) -> None:
    peer.report_status = 422
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert result.exit_code == 1, result.output
    [kept] = (state / "st" / "spool" / REJECTED).glob("*.json.gz")
    assert "report does not validate" in kept.with_name(kept.name + ".reason.txt").read_text()
    assert spooled(state) == []


def test_5xx_spools_for_later(state: Path, peer: Peer) -> None:
    peer.report_status = 503
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert result.exit_code == 75 and "answered 503" in result.stderr
    assert len(spooled(state)) == 1 and not (state / "st" / "spool" / REJECTED).exists()


def test_401_enrolls_again_once(state: Path, peer: Peer) -> None:
    (state / "st").mkdir()
    (state / "st" / "node_key").write_text("revoked\n")
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert result.exit_code == 0, result.output
    assert [r["path"] for r in peer.requests] == ["/api/v1/report", "/api/v1/enroll", "/api/v1/report"]


def test_401_without_secret_keeps_report(state: Path, peer: Peer) -> None:
    (state / "st").mkdir()
    (state / "st" / "node_key").write_text("revoked\n")
    result = invoke(state, "once", "--server", peer.url)
    assert result.exit_code == 1 and "--enroll-secret" in result.stderr
    assert len(spooled(state)) == 1


def test_wrong_secret_keeps_report(state: Path, peer: Peer) -> None:
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", "wrong")
    assert result.exit_code == 1 and "unknown enroll secret" in result.stderr
    assert len(spooled(state)) == 1


def test_config_errors_exit_2_without_traceback(state: Path) -> None:
    for args in (["once", "--server", "patchgap.local"], ["once"], ["run", "--interval", "x"]):
        result = invoke(state, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    not_enrolled = invoke(state, "once", "--server", "http://127.0.0.1:9")
    assert not_enrolled.exit_code == 2 and "not enrolled" in not_enrolled.stderr


def test_unwritable_state_dir_is_a_message(state: Path, closed_url: str) -> None:
    (state / "st").write_text("a file where the state dir should be")
    result = invoke(state, "once", "--server", closed_url, "--enroll-secret", SECRET)
    assert result.exit_code == 1 and "Not a directory" in result.stderr and "Traceback" not in result.output


def test_run_repeats(state: Path, peer: Peer) -> None:
    args = ["--server", peer.url, "--enroll-secret", SECRET, "--interval", "0.05", "--max-runs", "2"]
    result = invoke(state, "run", *args)
    assert result.exit_code == 0, result.output
    assert len(reports(peer)) == 2


def test_tls_ca_cert_and_insecure(state: Path, tls_peer: tuple[Peer, Path]) -> None:
    peer, cert = tls_peer
    untrusted = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert untrusted.exit_code == 75 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    assert invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET, "--ca-cert", str(cert)).exit_code == 0
    assert invoke(state, "once", "--server", peer.url, "--insecure").exit_code == 0
    assert len(reports(peer)) == 3  # the spooled one, then one per run
    assert spooled(state) == []


@pytest.mark.skipif(sys.platform != "linux", reason="the native triage reads /proc")
def test_a_triage_request_is_answered_once_after_the_report(state: Path, peer: Peer) -> None:
    peer.triage_requested = True
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert result.exit_code == 0, result.output
    assert "triage snapshot sent: 3 checks" in result.stdout
    [report, upload] = [r for r in peer.requests if r["path"] != "/api/v1/enroll"]
    assert upload["path"] == "/api/v1/triage" and upload["headers"]["Content-Encoding"] == "gzip"
    assert upload["headers"]["Authorization"] == "Bearer nk-new"
    sent = upload["json"]
    assert sent["host_uuid"] == report["json"]["host"]["uuid"] and sent["source"] == "native"
    assert [r["name"] for r in sent["results"]] == ["listening_ports", "remote_connections", "processes"]
    assert [line.split(":")[0] for line in sent["skipped"]][:4] == ["startup_items", "crontab", "systemd_units",
                                                                    "recent_executables"]
    peer.triage_requested = False
    assert invoke(state, "once", "--server", peer.url).exit_code == 0
    assert [r["path"] for r in peer.requests][-1] == "/api/v1/report"  # not asked: nothing run


@pytest.mark.parametrize(("status", "said"), [(409, "server refused the request (409)"), (503, "answered 503")])
def test_a_failed_triage_never_fails_the_delivered_report(state: Path, peer: Peer, status: int, said: str) -> None:
    peer.triage_requested, peer.triage_status = True, status
    result = invoke(state, "once", "--server", peer.url, "--enroll-secret", SECRET)
    assert result.exit_code == 0, result.output
    assert "report sent" in result.stdout and "triage snapshot not sent" in result.stderr and said in result.stderr
    assert "the server asks again at the next report" in result.stderr
    assert spooled(state) == [] and not (state / "st" / "spool" / REJECTED).exists()


def test_python_dash_m(tmp_path: Path) -> None:
    root = Path(__file__).parents[2]
    done = subprocess.run([sys.executable, "-m", "collector", "--help"], capture_output=True, text=True, cwd=root)
    assert done.returncode == 0 and "show" in done.stdout and "patchgap-collect" in done.stdout
