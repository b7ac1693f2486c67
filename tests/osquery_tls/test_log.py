"""osquery's logger endpoint over real HTTP: result logs (snapshots, batched
and event-format differentials) become the collector's report once every
query of the host's platform has answered; status logs are kept, bounded,
and tell which queries failed on the host; bad bodies get clear 4xx and
store nothing."""
from __future__ import annotations

import copy
import json
import time

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from collector.inventory import build_report
from collector.sources.osquery_source import OsquerySource
from server.cli import main
from server.db.models import Host, HostPatch, HostSoftware, OsqueryResult, OsqueryStatusLine, Software
from tests.osquery_standin.scenarios import Scenario, load_scenario
from tests.server.test_api import enroll_host, post_report


def cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.output


def cli_json(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    code, out = cli(db_url, *args, "--format", "json")
    assert code == 0, out
    return json.loads(out)


def renamed(scenario: Scenario, uuid: str, hostname: str) -> Scenario:
    """The same machine's rows under another identity (a second PC of one image)."""
    other = copy.deepcopy(scenario)
    other.tables["system_info"][0].update(uuid=uuid, hostname=hostname, computer_name=hostname)
    other.tables["osquery_info"][0]["uuid"] = uuid
    return other


def report_through_osquery(node) -> None:  # type: ignore[no-untyped-def]
    assert node.enroll().status_code == 200
    assert node.fetch_config().status_code == 200
    node.run_schedule()
    answers = node.flush()
    assert answers and all(a.status_code == 200 and a.json() == {"node_invalid": False} for a in answers), \
        [a.text for a in answers]


def report_through_collector(client: httpx.Client, secret: str, socket_path: str) -> None:
    report = build_report(OsquerySource(socket_path=socket_path).collect(), "osquery")
    answer = post_report(client, enroll_host(client, secret, report), report)
    assert answer.status_code == 200, answer.text


def count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def host_view(db_url: str, name: str) -> dict:  # type: ignore[type-arg]
    """What an admin reads of a host, less what names it or dates its reports."""
    view = cli_json(db_url, "host", name)
    facts = {k: v for k, v in view["host"].items() if k not in ("host", "uuid", "collector", "enrolled", "last_report")}
    addresses = [{k: v for k, v in a.items() if k not in ("first_seen", "last_seen")} for a in view["addresses"]
                 if a["address_kind"] != "observed"]
    gaps = [{k: v for k, v in g.items() if k not in ("host", "first_detected")} for g in view["gaps"]]
    return {"facts": facts, "addresses": addresses, "patches": view["patches"], "gaps": gaps}


@pytest.mark.parametrize("scenario", ["debian", "windows", "rhel", "ubuntu", "macos"])
def test_an_osquery_only_host_and_a_collector_host_read_the_same(
        scenario, make_node, client, secret, db_url, fixtures_dir, osquery_standin) -> None:  # type: ignore[no-untyped-def]
    """The issue's done-when: the same software through osqueryd alone and
    through the Python collector gives the same host fields and findings."""
    assert cli(db_url, "warnings", "import", str(fixtures_dir / "warnings" / "e2e.csv"))[0] == 0
    rows = load_scenario(scenario)
    report_through_collector(client, secret, osquery_standin(renamed(rows, "collector-host-uuid", "via-collector")))
    report_through_osquery(make_node(renamed(rows, "osquery-host-uuid", "via-osquery")))
    listed = {row["host"]: row for row in cli_json(db_url, "hosts")}
    assert set(listed) == {"via-collector", "via-osquery"}
    for row in listed.values():
        del row["host"], row["last_report"]
    assert listed["via-osquery"] == listed["via-collector"]
    assert listed["via-osquery"]["software"] > 0
    assert host_view(db_url, "via-osquery") == host_view(db_url, "via-collector")
    gaps = {g["host"]: g for g in cli_json(db_url, "gaps")}
    if scenario in ("debian", "windows"):  # e2e.csv names the openssl and Windows 10 22H2 fixes
        assert set(gaps) == {"via-collector", "via-osquery"}
        assert listed["via-osquery"]["open_gaps"] > 0
    collector = cli_json(db_url, "host", "via-osquery")["host"]["collector"]
    assert collector.endswith("(osquery-tls)")


def test_recorded_windows_rows_read_the_same_both_ways(
        make_node, client, secret, db_url, shared_dir, osquery_standin) -> None:  # type: ignore[no-untyped-def]
    """Recorded Windows rows (../shared/testdata/osquery/samples: an osquery
    4.6 MSI programs row, hotfixes with their installed_on as osqueryi printed
    them) beside the hand-written ones, duplicates included."""
    rows = load_scenario("windows", samples_dir=shared_dir / "osquery" / "samples")
    assert len(rows.tables["programs"]) > len(load_scenario("windows").tables["programs"])
    report_through_collector(client, secret, osquery_standin(renamed(rows, "collector-host-uuid", "via-collector")))
    report_through_osquery(make_node(renamed(rows, "osquery-host-uuid", "via-osquery")))
    assert host_view(db_url, "via-osquery") == host_view(db_url, "via-collector")
    software = {(r["name"], r["version"]) for r in cli_json(db_url, "software", "--host", "via-osquery")}
    assert software == {(r["name"], r["version"]) for r in cli_json(db_url, "software", "--host", "via-collector")}
    assert len(cli_json(db_url, "host", "via-osquery")["patches"]) > 3


def test_no_report_until_every_query_of_the_platform_answered(make_node, sessions, db_url) -> None:  # type: ignore[no-untyped-def]
    node = make_node("windows")
    node.enroll()
    node.fetch_config()
    node.run_schedule(only={"os_version", "osquery_info", "system_info", "patches"})
    assert all(a.status_code == 200 for a in node.flush())
    with sessions() as session:
        host = session.scalar(select(Host))
        assert host.last_report_at is None and host.os_name == ""
        assert set(session.scalars(select(OsqueryResult.query))) == {"os_version", "osquery_info", "system_info",
                                                                   "patches"}
    # Without programs a report would have resolved every program's findings.
    assert count(sessions, HostPatch) == 0
    node.run_schedule()
    node.flush()
    with sessions() as session:
        host = session.scalar(select(Host))
        assert host.os_build == "10.0.19045.4291" and host.collector_source == "osquery-tls"
    with sessions() as session:
        names = set(session.scalars(select(Software.name).join(HostSoftware)))
    assert {"Google Chrome", "notepadplusplus.install"} <= names and count(sessions, HostPatch) > 0


@pytest.mark.parametrize(("hidden", "build"), [((), "10.0.19045.4291"), (("registry",), "10.0.19045")])
def test_a_query_that_fails_on_an_older_osquery_counts_as_answered(
        hidden, build, make_node, client, secret, sessions, db_url, osquery_standin) -> None:  # type: ignore[no-untyped-def]
    """osquery < 5.12 has no os_version.revision: windows_build fails there,
    its status log says so, and the UBR comes from the registry (windows_ubr),
    or is left off without it, exactly as the collector reports it from the
    same osquery."""
    old = {"os_version": ("revision",)}
    rows = load_scenario("windows")
    node = make_node(renamed(rows, "old-osquery", "PC-OLD-OSQ"), hide_columns=old, hide_tables=hidden)
    report_through_osquery(node)
    report_through_collector(client, secret, osquery_standin(renamed(rows, "old-collector", "PC-OLD-COL"),
                                                             hide_columns=old, hide_tables=hidden))
    with sessions() as session:
        errors = dict(session.execute(select(OsqueryResult.query, OsqueryResult.error)
                                      .where(OsqueryResult.error != "")).all())
        builds = dict(session.execute(select(Host.hostname, Host.os_build)).all())
    assert "no such column: revision" in errors.pop("windows_build")
    assert errors == ({"windows_ubr": "no such table: registry"} if hidden else {})
    assert builds == {"PC-OLD-OSQ": build, "PC-OLD-COL": build}
    # A later osquery that has the column answers again: the failure is forgotten.
    node.database = make_node("windows").database
    node.run_schedule(only={"windows_build"})
    node.flush()
    with sessions() as session:
        assert session.scalar(select(Host.os_build).where(Host.hostname == "PC-OLD-OSQ")) == "10.0.19045.4291"
        assert session.scalar(select(OsqueryResult.error).where(OsqueryResult.query == "windows_build")) == ""


def test_batched_and_event_format_differentials_apply_on_their_baseline(make_node, sessions) -> None:  # type: ignore[no-untyped-def]
    for event_format in (False, True):
        node = make_node(renamed(load_scenario("debian"), f"diff-{event_format}", f"diff-{event_format}"),
                         event_format=event_format)
        node.enroll()
        node.fetch_config()
        node.schedule["deb_packages"]["snapshot"] = False  # as a differential query
        node.run_schedule()
        node.flush()
        with sessions() as session:
            host = session.scalar(select(Host).where(Host.hostname == f"diff-{event_format}"))
            before = session.scalar(select(func.count()).select_from(HostSoftware).where(HostSoftware.host_id == host.id))
        assert before == 10  # the first run of the epoch (counter 0) is the whole result
        node.database.change("DELETE FROM deb_packages WHERE name = ?", "vim")
        node.database.change("UPDATE deb_packages SET version = ? WHERE name IN ('openssl', 'libssl3')",
                             "3.0.13-1~deb12u1")
        node.run_schedule(only={"deb_packages"})
        assert node.counters["deb_packages"] == 1
        node.flush()
        with sessions() as session:
            rows = session.scalar(select(OsqueryResult.rows).where(OsqueryResult.host_id == host.id,
                                                                  OsqueryResult.query == "deb_packages"))
            after = session.scalar(select(func.count()).select_from(HostSoftware).where(HostSoftware.host_id == host.id))
        versions = {row["name"]: row["version"] for row in rows}
        assert "vim" not in versions and versions["openssl"] == versions["libssl3"] == "3.0.13-1~deb12u1"
        assert after == before - 1  # vim gone; openssl and libssl3 replaced


def test_a_change_without_its_baseline_is_dropped(make_node, client, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    node.enroll()
    item = {"name": "deb_packages", "hostIdentifier": "h", "calendarTime": "", "unixTime": int(time.time()),
            "epoch": 7, "counter": 3, "numerics": False, "decorations": {},
            "diffResults": {"added": [{"name": "evil", "version": "1", "source": "", "arch": "amd64"}], "removed": []}}
    answer = client.post("/api/osquery/log", json={"node_key": node.node_key, "log_type": "result", "data": [item]})
    assert answer.status_code == 200
    assert count(sessions, OsqueryResult) == 0


def test_status_logs_are_kept_briefly_and_bounded(make_node, sessions, db_url) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    report_through_osquery(node)
    old = time.time() - 9 * 86400
    node.statuses.append({"hostIdentifier": "h", "calendarTime": "", "unixTime": int(old), "severity": 1,
                          "filename": "config.cpp", "line": 12, "message": "nine days old", "version": "5.12.1",
                          "decorations": {}})
    for n in range(250):
        node.status_line(f"line {n}", severity=1, filename="watcher.cpp", line=n)
    node.flush(max_lines=100)
    with sessions() as session:
        messages = list(session.scalars(select(OsqueryStatusLine.message).order_by(OsqueryStatusLine.id)))
    assert len(messages) == 200 and messages[-1] == "line 249" and "nine days old" not in messages
    code, out = cli(db_url, "host", "build-07.example.lan", "--osquery-status")
    assert code == 0, out
    assert "line 249" in out and "watcher.cpp:249" in out


def test_bad_log_bodies_get_clear_4xx_and_store_nothing(make_node, client: httpx.Client, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    report_through_osquery(node)
    before = (count(sessions, HostSoftware), count(sessions, OsqueryResult), count(sessions, OsqueryStatusLine))
    key = node.node_key
    snapshot = {"name": "deb_packages", "unixTime": int(time.time()), "snapshot": [], "action": "snapshot"}
    cases = [
        ({"node_key": key, "log_type": "results", "data": []}, 422, "log.log_type: 'results'"),
        ({"node_key": key, "log_type": "result"}, 422, "log.data: missing"),
        ({"node_key": key, "log_type": "result", "data": {"a": 1}}, 422, "log.data: not an array"),
        ({"node_key": key, "log_type": "result", "data": ["text"]}, 422, "log.data[0]: a log item is not an object"),
        ({"node_key": key, "log_type": "result", "data": [{**snapshot, "snapshot": [["x"]]}]}, 422,
         "log.data[0].snapshot[0]: a row is not an object"),
        ({"node_key": key, "log_type": "result", "data": [{**snapshot, "snapshot": [{"name": {"x": 1}}]}]}, 422,
         "log.data[0].snapshot[0].name: a cell is not a string or a number"),
        ({"node_key": key, "log_type": "result", "data": [snapshot, {**snapshot, "unixTime": -5}]}, 422,
         "log.data[1].unixTime: not an integer"),
        ({"node_key": key, "log_type": "result", "data": [{"name": "deb_packages", "action": "snapshot"}]}, 422,
         "neither snapshot, diffResults nor columns"),
        ({"node_key": key, "log_type": "status", "data": [{"message": 5}]}, 422, "log.data[0].message: not a string"),
    ]
    for body, status, detail in cases:
        answer = client.post("/api/osquery/log", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert detail in answer.json()["detail"], answer.text
    raw = client.post("/api/osquery/log", content=b'{"node_key": "' + key.encode() + b'", "log_type": ',
                      headers={"Content-Type": "application/json"})
    assert raw.status_code == 400 and "not JSON" in raw.json()["detail"]
    # An inventory that breaks a limit of the report is refused whole, naming the field.
    long_name = {"name": "deb_packages", "unixTime": int(time.time()), "action": "snapshot",
                 "snapshot": [{"name": "x" * 600, "version": "1", "source": "", "arch": "amd64"}]}
    answer = client.post("/api/osquery/log", json={"node_key": key, "log_type": "result", "data": [long_name]})
    assert answer.status_code == 422 and "Report.software[0].name" in answer.json()["detail"]
    assert (count(sessions, HostSoftware), count(sessions, OsqueryResult), count(sessions, OsqueryStatusLine)) == before
    with sessions() as session:
        names = [r["name"] for r in session.scalar(select(OsqueryResult.rows).where(OsqueryResult.query == "deb_packages"))]
    assert "x" * 600 not in names


def test_gzip_bodies_and_numerics_as_numbers(make_node, client: httpx.Client, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian", compress=True)
    node.enroll()
    node.fetch_config()
    node.run_schedule()
    for item in node.results:  # --log_numerics_as_numbers
        item["numerics"] = True
        for row in item["snapshot"]:
            for column, value in row.items():
                if value.isdigit() and column in ("major", "minor", "patch", "physical_memory"):
                    row[column] = int(value)
    assert all(a.status_code == 200 for a in node.flush())
    with sessions() as session:
        host = session.scalar(select(Host))
        assert (host.os_name, host.distro, host.last_report_at is not None) == ("Debian GNU/Linux", "debian:12", True)
    assert count(sessions, HostSoftware) == 10


def test_another_machine_using_a_hosts_key_is_told_to_enroll_as_itself(make_node, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    report_through_osquery(node)
    clone = make_node(renamed(load_scenario("debian"), "cloned-disk-uuid", "clone"))
    clone.node_key, clone.schedule = node.node_key, node.schedule
    clone.run_schedule()
    answers = clone.flush()
    assert answers[0].json() == {"node_invalid": True} and clone.node_key == ""
    with sessions() as session:
        assert [h.uuid for h in session.scalars(select(Host))] == ["8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a93"]
        rows = session.scalar(select(OsqueryResult.rows).where(OsqueryResult.query == "system_info"))
    assert rows[0]["uuid"] == "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a93"  # nothing of the clone stored


def test_many_pcs_reporting_at_once_all_arrive(make_node, sessions, db_url) -> None:  # type: ignore[no-untyped-def]
    """A commune's PCs switched on together: every enrollment, config and
    result log goes through (SQLite's write queue, PostgreSQL's row locks)."""
    from concurrent.futures import ThreadPoolExecutor

    rows = load_scenario("windows")
    nodes = [make_node(renamed(rows, f"pc-uuid-{n}", f"PC-{n:02d}")) for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(report_through_osquery, nodes))
    listed = cli_json(db_url, "hosts")
    assert sorted(h["host"] for h in listed) == [f"PC-{n:02d}" for n in range(8)]
    assert {(h["build"], h["software"]) for h in listed} == {(listed[0]["build"], listed[0]["software"])}
    assert listed[0]["build"] == "10.0.19045.4291"


def test_osquery_status_in_vietnamese_and_json(make_node, db_url) -> None:  # type: ignore[no-untyped-def]
    node = make_node("windows", hide_columns={"os_version": ("revision",)})
    node.enroll()
    node.fetch_config()
    node.run_schedule(only={"os_version", "osquery_info", "system_info", "windows_build"})
    node.flush()
    code, out = cli(db_url, "--lang", "vi", "host", "PC-ACC-017", "--osquery-status")
    assert code == 0, out
    assert "Kết quả osqueryd trên máy PC-ACC-017 trả về lần gần nhất, theo từng truy vấn:" in out
    assert "Lỗi trên máy này" in out and "no such column: revision" in out
    assert "chưa lập báo cáo cho đến khi các truy vấn này trả lời: chocolatey_packages" in out
    assert "lỗi" in out and "scheduler.cpp:128" in out
    view = cli_json(db_url, "host", "PC-ACC-017", "--osquery-status")
    assert view["waiting_for"] == ["chocolatey_packages", "interface_addresses_windows", "kernel_info", "patches",
                                   "programs", "windows_ubr"]
    assert {q["osquery_query"]: q["osquery_error"] != "" for q in view["queries"]} == {
        "os_version": False, "osquery_info": False, "system_info": False, "windows_build": True}
    assert [line["osquery_level"] for line in view["status_log"]] == ["info", "info", "info", "error"]
    code, out = cli(db_url, "host", "nobody", "--osquery-status")
    assert code == 1 and "nobody" in out
