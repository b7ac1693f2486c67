"""osquery's enroll and config endpoints over real HTTP, with the bodies
osqueryd sends: the host identity rules of /api/v1/enroll, node_invalid for
keys that do not work, the schedule built from queries/."""
from __future__ import annotations

import json

import httpx
from click.testing import CliRunner
from sqlalchemy import func, select

from queries.loader import build_pack, load_queries
from server.cli import main
from server.db.models import EnrollAttempt, Host, OsqueryRefresh
from tests.osquery_standin.tls_node import platform_matches

DEBIAN_UUID = "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a93"


def cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.output


def hosts(sessions) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return [(h.uuid, h.hostname, h.unit.name) for h in session.scalars(select(Host).order_by(Host.id))]


def test_a_new_host_enrolls_with_its_units_secret(make_node, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("debian")
    answer = node.enroll()
    assert answer.status_code == 200, answer.text
    assert answer.json()["node_invalid"] is False and node.node_key.startswith("pgn_")
    # The collector's identity: system_info.uuid and hostname.
    assert hosts(sessions) == [(DEBIAN_UUID, "build-07.example.lan", "Phòng Tài chính")]
    with sessions() as session:
        assert session.scalar(select(EnrollAttempt.outcome)) == "enrolled"
        # Its first inventory is asked through distributed queries at once.
        assert session.scalar(select(func.count()).select_from(OsqueryRefresh)) == 1


def test_the_secret_file_may_end_with_a_newline(make_node, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    node = make_node("windows", node_secret=secret + "\n")
    assert node.enroll().status_code == 200
    assert [h[1] for h in hosts(sessions)] == ["PC-ACC-017"]


def test_a_wrong_secret_is_refused_and_recorded(make_node, sessions) -> None:  # type: ignore[no-untyped-def]
    answer = make_node("debian", node_secret="pge_not-a-secret").enroll()
    assert answer.status_code == 403
    assert answer.json() == {"node_invalid": True, "detail": "unknown or revoked enroll secret"}
    assert hosts(sessions) == []
    with sessions() as session:
        assert session.scalar(select(EnrollAttempt.outcome)) == "bad_secret"


def test_bad_enroll_bodies_get_clear_4xx_and_store_nothing(client: httpx.Client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (b"{not json", 400, "body is not JSON"),
        (b"[1, 2]", 422, "body is not a JSON object"),
        (json.dumps({"host_identifier": "pc"}).encode(), 422, "enroll.enroll_secret: missing"),
        (json.dumps({"enroll_secret": secret, "host_identifier": "pc", "host_details": {}}).encode(), 422,
         "neither system_info.uuid nor osquery_info.uuid"),
        (json.dumps({"enroll_secret": secret, "host_details": {"system_info": {"uuid": "u\u0000x"}}}).encode(), 422,
         "contains a NUL character"),
        (json.dumps({"enroll_secret": secret, "host_details": {"system_info": {"uuid": "x" * 200}}}).encode(), 422,
         "exceed the limit of 128"),
        (json.dumps({"enroll_secret": secret, "host_details": {"system_info": {"uuid": {"a": 1}}}}).encode(), 422,
         "neither system_info.uuid nor osquery_info.uuid"),
        (b"\xff\xfe", 400, "not UTF-8"),
    ]
    for raw, status, detail in cases:
        answer = client.post("/api/osquery/enroll", content=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == status, (raw, answer.text)
        assert detail in answer.json()["detail"] and answer.json()["node_invalid"] is True
    big = client.post("/api/osquery/enroll", content=b" " * (64 * 1024 + 1))
    assert big.status_code == 413
    assert hosts(sessions) == []


def test_config_is_the_schedule_of_the_collectors_queries(make_node) -> None:  # type: ignore[no-untyped-def]
    node = make_node("windows")
    node.enroll()
    answer = node.fetch_config()
    assert answer.status_code == 200
    schedule = answer.json()["schedule"]
    assert schedule == build_pack()["queries"]
    queries = {q.name: q for q in load_queries()}
    assert set(schedule) == set(queries)
    assert all(entry["snapshot"] is True for entry in schedule.values())
    assert schedule["interface_addresses_windows"]["interval"] == 1800  # from its header
    assert schedule["programs"]["interval"] == 3600  # the default
    # osquery's own platform filter leaves each platform exactly the collector's queries.
    for platform in ("windows", "linux", "darwin"):
        runs = {name for name, entry in schedule.items() if platform_matches(entry.get("platform", ""), platform)}
        assert runs == {name for name, q in queries.items() if q.applies_to(platform)}


def test_keys_that_do_not_work_are_told_node_invalid(make_node, client: httpx.Client, db_url) -> None:  # type: ignore[no-untyped-def]
    for key in ("", "pgn_unknown", "not-ours", "x" * 100):
        answer = client.post("/api/osquery/config", json={"node_key": key})
        assert answer.status_code == 200 and answer.json() == {"node_invalid": True}
    node = make_node("debian")
    node.enroll()
    assert cli(db_url, "host", "revoke", "build-07.example.lan")[0] == 0
    assert node.fetch_config().json() == {"node_invalid": True}
    assert node.node_key == ""  # osqueryd drops it and enrolls again


def test_a_known_host_enrolling_again_waits_for_an_admin(make_node, db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    """osqueryd enrolls again only after it dropped its key: it has no proof,
    so, as a collector without its key, it waits for approval; the key it
    holds meanwhile gets an empty schedule, not node_invalid (which would make
    it enroll again and again)."""
    first = make_node("debian")
    first.enroll()
    kept = first.node_key
    again = make_node("debian")  # the same PC reinstalled (or another claiming its uuid)
    answer = again.enroll()
    assert answer.status_code == 200 and again.node_key != kept
    with sessions() as session:
        outcomes = list(session.scalars(select(EnrollAttempt.outcome).order_by(EnrollAttempt.id)))
        reasons = list(session.scalars(select(EnrollAttempt.reason).order_by(EnrollAttempt.id)))
    assert outcomes == ["enrolled", "pending"] and reasons[1] == "no_proof"
    assert again.fetch_config().json() == {"schedule": {}}
    assert again.node_key  # kept: no re-enrollment loop
    assert again.distributed()[0].json() == {"queries": {}, "node_invalid": False}
    again.status_line("osquery started", severity=0)
    refused = again.flush()
    assert [r.status_code for r in refused] == [423] and again.statuses  # still buffered
    # The host keeps its current key meanwhile.
    assert first.fetch_config().json()["schedule"]
    code, out = cli(db_url, "host", "approve", "build-07.example.lan")
    assert code == 0, out
    assert again.fetch_config().json()["schedule"]
    assert first.fetch_config().json() == {"node_invalid": True}
    assert [r.status_code for r in again.flush()] == [200] and not again.statuses


def test_a_new_host_in_a_unit_that_approves_waits_then_gets_its_first_inventory(make_node, db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    assert cli(db_url, "unit", "approval", "Phòng Tài chính", "on")[0] == 0
    node = make_node("debian")
    assert node.enroll().status_code == 200
    assert hosts(sessions) == [] and node.fetch_config().json() == {"schedule": {}}
    assert node.distributed()[0].json() == {"queries": {}, "node_invalid": False}
    assert cli(db_url, "host", "approve", "build-07.example.lan")[0] == 0
    # Its first inventory at its next distributed read, not at its next config refresh.
    read, write = node.distributed()
    assert read.json()["queries"] and write is not None and write.status_code == 200
    assert node.fetch_config().json()["schedule"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OsqueryRefresh)) == 0
        assert session.scalar(select(Host.os_name)) == "Debian GNU/Linux"
