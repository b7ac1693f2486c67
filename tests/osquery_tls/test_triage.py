"""A triage snapshot of an osquery-only host: asked by an admin (or a botnet
list), it goes out with an inventory refresh through distributed queries,
capped like the collector's, and arrives as the snapshot the collector would
have sent."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from server.cli import main
from server.db.models import TriageRequest, TriageSnapshot
from server.osquery_remote.schedule import applicable
from tests.osquery_standin.scenarios import load_scenario
from tests.osquery_tls.test_log import renamed


def cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_triage_snapshot_through_distributed_queries(make_node, db_url, sessions, client, secret,  # type: ignore[no-untyped-def]
                                                        osquery_standin) -> None:
    rows = load_scenario("windows", triage=True)
    node = make_node(rows)
    node.enroll()
    node.distributed()  # the first inventory
    assert node.distributed()[0].json()["queries"] == {}  # nothing asked now
    code, out = cli(db_url, "host", "triage", "PC-ACC-017")
    assert (code, out) == (0, "triage snapshot asked of PC-ACC-017: it goes out with osquery's next distributed "
                              "read (about a minute)\n")
    read, write = node.distributed()
    handed = read.json()["queries"]
    triage = {name for name in handed if name.startswith("triage/")}
    assert set(handed) - triage == set(applicable("windows"))  # with an inventory refresh
    assert "triage/listening_ports" in triage and "triage/crontab" not in triage  # Windows only
    assert handed["triage/listening_ports"].endswith(" LIMIT 501;")  # its '-- limit: 500', one more to tell
    assert write is not None and write.status_code == 200, write.text
    with sessions() as session:
        snapshot = session.scalar(select(TriageSnapshot))
        assert snapshot.source == "osquery-tls"
        assert session.scalar(select(func.count()).select_from(TriageRequest)
                              .where(TriageRequest.fulfilled_at.is_(None))) == 0
    code, out = cli(db_url, "botnet", "triage", "PC-ACC-017", "--format", "json")
    assert code == 0, out
    by_osquery = {r["name"]: r for r in json.loads(out)["results"]}
    assert by_osquery["listening_ports"]["rows"] and not by_osquery["listening_ports"]["error"]
    assert node.distributed()[0].json()["queries"] == {}  # done: nothing goes out again

    # The same machine's rows through the collector's triage: the same checks, the same row counts.
    from collector.sources.osquery_source import OsquerySource
    from collector.triage import build_upload
    from collector.triage.osquery_triage import OsqueryTriage

    socket_path = osquery_standin(renamed(rows, "x", "y"))
    collected = build_upload(OsqueryTriage(OsquerySource(socket_path=socket_path), "windows").run(), "x", "osquery")
    assert {r.name: (len(r.rows), r.truncated, bool(r.error)) for r in collected.results} == {
        name: (len(r["rows"]), r["truncated"], bool(r["error"])) for name, r in by_osquery.items()}


def test_triage_answers_without_a_request_are_not_kept(make_node, sessions, client) -> None:  # type: ignore[no-untyped-def]
    node = make_node(load_scenario("windows", triage=True))
    node.enroll()
    node.distributed()
    answer = client.post("/api/osquery/distributed/write", json={
        "node_key": node.node_key, "queries": {"triage/listening_ports": [{"port": "4444"}]},
        "statuses": {"triage/listening_ports": 0}})
    assert answer.status_code == 200
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TriageSnapshot)) == 0
