"""``patchgap-collect once`` sends deltas: against the real API on loopback
(SQLite and PostgreSQL) with the osquery stand-in as the machine, a full
report, then a heartbeat, then only what changed; a stale base is answered
"send the full report" and the collector sends it at once; a spool holds only
full reports; a server that names no reports gets full reports only."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from collector import delta as deltas
from collector import wire
from collector.cli import cli
from collector.config import ENV
from collector.push import encode_report
from server.api import create_app
from server.api.background import serving
from server.db.models import Host, HostSoftware, Software
from server.inventory import enroll
from server.settings import Settings
from tests.collector.test_collect_cli import Peer, peer  # noqa: F401 (a fixture)
from tests.osquery_standin.server import OsqueryStandIn
from tests.request_log import RequestLog

REPORT, DELTA = "/api/v1/report", "/api/v1/report/delta"


@pytest.fixture
def api(db_url: str, engine) -> Iterator[tuple[str, RequestLog]]:  # type: ignore[no-untyped-def]
    logged = RequestLog(create_app(Settings(database_url=db_url), engine=engine))
    with serving(logged) as url:  # type: ignore[arg-type]
        yield url, logged


@pytest.fixture
def machine() -> Iterator[OsqueryStandIn]:
    with OsqueryStandIn("debian") as standin:
        yield standin


@pytest.fixture
def secret(sessions) -> str:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return enroll.create_secret(session, "Phòng Tài chính").secret


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV.values():
        monkeypatch.delenv(name, raising=False)


def once(url: str, state: Path, machine: OsqueryStandIn, secret: str = "") -> Result:
    args = ["once", "--server", url, "--state-dir", str(state), "--source", "osquery",
            "--osquery-socket", machine.socket_path]
    return CliRunner().invoke(cli, args + (["--enroll-secret", secret] if secret else []))


def stored_packages(sessions, uuid: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return set(session.execute(
            select(Software.name, Software.version).join(HostSoftware, HostSoftware.software_id == Software.id)
            .join(Host, Host.id == HostSoftware.host_id).where(Host.uuid == uuid)).all())


def shown(machine: OsqueryStandIn, state: Path) -> wire.Report:
    """The report ``show`` makes of the machine as it is now."""
    done = CliRunner().invoke(cli, ["show", "--json", "--state-dir", str(state), "--source", "osquery",
                                    "--osquery-socket", machine.socket_path])
    assert done.exit_code == 0, done.output
    return wire.report_from_dict(json.loads(done.output))


def packages_of(machine: OsqueryStandIn, state: Path) -> set[tuple[str, str]]:
    return {(item.name, item.version) for item in shown(machine, state).software}


def last_report(state: Path) -> deltas.LastReport:
    data = json.loads(gzip.decompress((state / deltas.STATE_FILE).read_bytes()))
    return deltas.LastReport(data["server"], data["report_id"], wire.report_from_dict(data["report"]))


def test_full_then_heartbeat_then_only_what_changed(api, machine, secret, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, logged = api
    state = tmp_path / "state"
    first = once(url, state, machine, secret)
    assert first.exit_code == 0, first.output
    full = [r for r in logged.requests if r.path in (REPORT, DELTA)]
    assert [(r.path, r.status) for r in full] == [(REPORT, 200)]
    uuid = last_report(state).report.host.uuid
    assert stored_packages(sessions, uuid) == packages_of(machine, state)

    mark = len(logged.requests)
    beat = once(url, state, machine)
    assert beat.exit_code == 0, beat.output
    (sent,) = logged.since(mark)
    assert (sent.path, sent.status) == (DELTA, 200)
    assert sent.body_bytes < min(1024, full[0].body_bytes)

    machine.database.change("UPDATE deb_packages SET version = '3.0.13-1~deb12u1' WHERE name = 'openssl'")
    machine.database.change("DELETE FROM deb_packages WHERE name = 'curl'")
    mark = len(logged.requests)
    changed = once(url, state, machine)
    assert changed.exit_code == 0, changed.output
    (sent,) = logged.since(mark)
    assert (sent.path, sent.status) == (DELTA, 200)
    assert stored_packages(sessions, uuid) == packages_of(machine, state)
    assert ("openssl", "3.0.13-1~deb12u1") in packages_of(machine, state)
    assert last_report(state).report.software == shown(machine, state).software


def test_a_stale_base_is_answered_and_the_full_report_follows(api, machine, secret, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, logged = api
    state, copy = tmp_path / "state", tmp_path / "copy"
    assert once(url, state, machine, secret).exit_code == 0
    shutil.copytree(state, copy)  # a second record of the same base, left behind
    machine.database.change("DELETE FROM deb_packages WHERE name = 'bash'")
    assert once(url, state, machine).exit_code == 0  # the server's base moves on
    machine.database.change("DELETE FROM deb_packages WHERE name = 'curl'")
    mark = len(logged.requests)
    late = once(url, copy, machine)
    assert late.exit_code == 0, late.output
    assert [(r.path, r.status) for r in logged.since(mark)] == [(DELTA, 409), (REPORT, 200)]
    uuid = last_report(copy).report.host.uuid
    assert stored_packages(sessions, uuid) == packages_of(machine, state)
    # The full report became the base: the next report is a delta again.
    mark = len(logged.requests)
    assert once(url, copy, machine).exit_code == 0
    assert [(r.path, r.status) for r in logged.since(mark)] == [(DELTA, 200)]


def test_a_report_older_than_the_servers_newest_is_no_base(api, machine, secret, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, logged = api
    state = tmp_path / "state"
    assert once(url, state, machine, secret).exit_code == 0
    base = last_report(state)
    # The host's newest report is dated later than this PC's clock says now.
    ahead = wire.Report(host=base.report.host, os=base.report.os, collector=base.report.collector,
                        collected_at=(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).isoformat(),
                        software=base.report.software[:1])
    key = (state / "node_key").read_text().strip()
    answer = httpx.post(url + REPORT, content=encode_report(ahead),
                        headers={"Authorization": f"Bearer {key}", "Content-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.json()["report_id"]
    mark = len(logged.requests)
    assert once(url, state, machine).exit_code == 0
    assert [(r.path, r.status) for r in logged.since(mark)] == [(DELTA, 409), (REPORT, 200)]
    assert not (state / deltas.STATE_FILE).exists()  # kept as history only: the next report goes in full
    mark = len(logged.requests)
    assert once(url, state, machine).exit_code == 0
    assert [r.path for r in logged.since(mark)] == [REPORT]


def test_the_spool_keeps_full_reports(api, machine, secret, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, logged = api
    state = tmp_path / "state"
    assert once(url, state, machine, secret).exit_code == 0
    machine.database.change("DELETE FROM deb_packages WHERE name = 'curl'")
    down = once("http://127.0.0.1:9", state, machine)  # nothing listens on the discard port
    assert down.exit_code == 75, down.output
    (spooled,) = (state / "spool").glob("*.json.gz")
    assert wire.report_from_dict(json.loads(gzip.decompress(spooled.read_bytes()))).software  # a full report
    mark = len(logged.requests)
    assert once(url, state, machine).exit_code == 0
    # the spooled report first, then this one in full: the spool may have moved the server's base
    assert [(r.path, r.status) for r in logged.since(mark)] == [(REPORT, 200), (REPORT, 200)]
    assert stored_packages(sessions, last_report(state).report.host.uuid) == packages_of(machine, state)


def test_a_server_without_report_ids_gets_full_reports(peer: Peer, machine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "state"
    for _ in range(2):
        assert once(peer.url, state, machine, "enroll-me").exit_code == 0
    assert [r["path"] for r in peer.requests] == ["/api/v1/enroll", REPORT, REPORT]
    assert not (state / deltas.STATE_FILE).exists()
