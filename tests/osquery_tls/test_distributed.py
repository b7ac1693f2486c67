"""osquery's distributed read and write over real HTTP: the first inventory
at enrollment, an admin's `patchgap host refresh` of one host or a unit,
answers stored like scheduled snapshots, bad bodies refused whole."""
from __future__ import annotations

import datetime as dt

import httpx
from click.testing import CliRunner
from sqlalchemy import func, select, update

from server.cli import main
from server.db.models import Host, HostSoftware, OsqueryRefresh, OsqueryResult
from server.osquery_remote.schedule import applicable, inventory_queries
from tests.osquery_standin.scenarios import load_scenario
from tests.osquery_tls.test_log import renamed, report_through_collector


def cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_the_first_inventory_comes_through_distributed_queries(make_node, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("windows")
    node.enroll()
    read, write = node.distributed()
    # The platform is not known yet: every query goes out, those of other platforms fail there.
    assert set(read.json()["queries"]) == set(inventory_queries())
    assert write is not None and write.status_code == 200 and write.json() == {"node_invalid": False}
    with sessions() as session:
        host = session.scalar(select(Host))
        assert (host.os_build, host.collector_source) == ("10.0.19045.4291", "osquery-tls")
        errors = dict(session.execute(select(OsqueryResult.query, OsqueryResult.error)
                                      .where(OsqueryResult.error != "")).all())
        assert session.scalar(select(func.count()).select_from(OsqueryRefresh)) == 0
    assert set(errors) == {"apps", "deb_packages", "rpm_packages", "homebrew_packages"}
    assert all("no such table" in e or "no such column" in e for e in errors.values()), errors
    assert node.distributed() == (node.answers[-1], None)  # nothing more asked
    assert node.answers[-1].json() == {"queries": {}, "node_invalid": False}


def test_an_admin_refreshes_a_host_or_a_unit(make_node, client, secret, db_url, sessions, osquery_standin) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    node.enroll()
    node.distributed()
    report_through_collector(client, secret, osquery_standin(renamed(load_scenario("debian"), "c-1", "via-collector")))
    with sessions.begin() as session:
        session.execute(update(Host).values(last_report_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=5)))
    code, out = cli(db_url, "host", "refresh", "build-07.example.lan")
    assert (code, out) == (0, "inventory asked of 1 host(s), at their next distributed read (about a minute); "
                              "0 asked already\n")
    assert cli(db_url, "host", "refresh", "build-07.example.lan")[1].endswith("; 1 asked already\n")
    read, write = node.distributed()
    assert set(read.json()["queries"]) == set(applicable("linux"))  # the platform is known now
    assert write is not None and write.status_code == 200
    with sessions() as session:
        reported = dict(session.execute(select(Host.hostname, Host.last_report_at)).all())
    # Applied although nothing changed: an admin asked.
    assert dt.datetime.now(dt.timezone.utc) - reported["build-07.example.lan"] < dt.timedelta(minutes=1)
    code, out = cli(db_url, "host", "refresh", "via-collector")
    assert code == 1 and "does not report through osquery's TLS API" in out
    code, out = cli(db_url, "host", "refresh", "--unit", "Phòng Tài chính")
    assert code == 0, out
    assert out.splitlines() == [
        "inventory asked of 1 host(s), at their next distributed read (about a minute); 0 asked already",
        "1 host(s) report through the collector and are left alone: via-collector"]
    code, out = cli(db_url, "host", "refresh")
    assert code == 1 and "name a host, or give --unit" in out


def test_queries_handed_out_but_never_answered_go_out_again(make_node, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    node.enroll()
    first = node.post("/distributed/read", {"node_key": node.node_key})
    assert first.json()["queries"]  # osqueryd stopped before it answered
    assert node.post("/distributed/read", {"node_key": node.node_key}).json()["queries"] == {}
    with sessions.begin() as session:
        session.execute(update(OsqueryRefresh).values(
            handed_out_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=11)))
    assert node.post("/distributed/read", {"node_key": node.node_key}).json()["queries"] == first.json()["queries"]


def test_bad_distributed_bodies_get_clear_4xx_and_store_nothing(make_node, client: httpx.Client, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    node.enroll()
    node.distributed()
    with sessions() as session:
        before = (session.scalar(select(func.count()).select_from(HostSoftware)),
                  sorted(session.execute(select(OsqueryResult.query, OsqueryResult.received_at)).all()))
    key = node.node_key
    cases = [
        ({"node_key": key}, 422, "distributed.write.queries: missing"),
        ({"node_key": key, "queries": []}, 422, "distributed.write.queries: not an object"),
        ({"node_key": key, "queries": {"deb_packages": {"a": "b"}}}, 422,
         "distributed.write.queries.deb_packages: not an array of rows"),
        ({"node_key": key, "queries": {"deb_packages": [1]}}, 422,
         "distributed.write.queries.deb_packages[0]: a row is not an object"),
        ({"node_key": key, "queries": {"deb_packages": []}, "statuses": {"deb_packages": "bad"}}, 422,
         "distributed.write.statuses.deb_packages: not an integer"),
        ({"node_key": key, "queries": {"deb_packages": []}, "statuses": []}, 422,
         "distributed.write.statuses: not an object"),
    ]
    for body, status, detail in cases:
        answer = client.post("/api/osquery/distributed/write", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert detail in answer.json()["detail"], answer.text
    assert client.post("/api/osquery/distributed/read", content=b"nope").status_code == 400
    unknown = client.post("/api/osquery/distributed/write", json={"node_key": "pgn_x", "queries": {}})
    assert unknown.json() == {"node_invalid": True}
    with sessions() as session:
        after = (session.scalar(select(func.count()).select_from(HostSoftware)),
                 sorted(session.execute(select(OsqueryResult.query, OsqueryResult.received_at)).all()))
    assert after == before
