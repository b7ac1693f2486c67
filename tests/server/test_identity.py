"""Host identity over real HTTP: a secret alone never takes over a known host;
re-keying needs the current node key or an admin's approval; revocation cuts
a host off; enrollment is throttled and recorded."""
from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from collector import wire
from server.cli import main
from server.db.models import EnrollAttempt, Finding, Host
from server.inventory import enroll
from tests.reports import debian_host
from tests.server.test_api import post_report

VICTIM = debian_host(uuid="b0b0b0b0-0000-4000-8000-00000000000b", hostname="ke-toan-01")


def ask(client: httpx.Client, secret: str, uuid: str, hostname: str, node_key: str = "") -> httpx.Response:
    request = wire.EnrollRequest(enroll_secret=secret, host_uuid=uuid, hostname=hostname, node_key=node_key)
    return client.post("/api/v1/enroll", json=wire.to_dict(request))


def cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def other_secret(sessions) -> str:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return enroll.create_secret(session, "Bộ phận Một cửa").secret


@pytest.fixture
def victim_key(client: httpx.Client, secret: str) -> str:
    answer = ask(client, secret, VICTIM.host.uuid, VICTIM.host.hostname)
    assert answer.status_code == 200 and answer.json()["status"] == "enrolled", answer.text
    key = answer.json()["node_key"]
    assert post_report(client, key, VICTIM).status_code == 200
    return key


def host_row(sessions) -> Host:  # type: ignore[no-untyped-def]
    with sessions() as session:
        host = session.scalar(select(Host).where(Host.uuid == VICTIM.host.uuid))
        assert host is not None
        session.expunge(host)
        return host


def test_another_units_secret_cannot_take_over_a_host(client, victim_key, other_secret, sessions) -> None:  # type: ignore[no-untyped-def]
    before = host_row(sessions)
    answer = ask(client, other_secret, VICTIM.host.uuid, "attacker")
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "pending" and answer.json()["host_id"] == 0
    attacker_key = answer.json()["node_key"]
    # The attacker's key reports nothing (423: awaits approval) and empties nothing.
    empty = debian_host(uuid=VICTIM.host.uuid, hostname="attacker", packages=[])
    refused = post_report(client, attacker_key, empty)
    assert refused.status_code == 423 and "approval" in refused.json()["detail"]
    # The victim keeps its unit, its name, its key and its inventory.
    after = host_row(sessions)
    assert (after.unit_id, after.hostname, after.node_key_hash) == (before.unit_id, "ke-toan-01", before.node_key_hash)
    assert post_report(client, victim_key, VICTIM).json()["software_added"] == 0


def test_the_same_units_secret_without_the_current_key_waits_for_an_admin(client, secret, victim_key, sessions) -> None:  # type: ignore[no-untyped-def]
    for proof in ("", "pgn_" + "x" * 43):
        answer = ask(client, secret, VICTIM.host.uuid, "ke-toan-01", node_key=proof)
        assert answer.status_code == 202, answer.text
    assert post_report(client, victim_key, VICTIM).status_code == 200
    with sessions() as session:
        reasons = session.scalars(select(EnrollAttempt.reason).where(EnrollAttempt.outcome == "pending")).all()
    assert sorted(reasons) == ["no_proof", "wrong_key"]


def test_the_current_key_proves_the_host_and_rekeys_it(client, secret, victim_key) -> None:  # type: ignore[no-untyped-def]
    answer = ask(client, secret, VICTIM.host.uuid, "ke-toan-01", node_key=victim_key)
    assert answer.status_code == 200 and answer.json()["status"] == "enrolled", answer.text
    assert post_report(client, victim_key, VICTIM).status_code == 401
    assert post_report(client, answer.json()["node_key"], VICTIM).status_code == 200


def test_the_current_key_with_another_units_secret_still_needs_an_admin(client, other_secret, victim_key) -> None:  # type: ignore[no-untyped-def]
    answer = ask(client, other_secret, VICTIM.host.uuid, "ke-toan-01", node_key=victim_key)
    assert answer.status_code == 202
    assert post_report(client, victim_key, VICTIM).status_code == 200


def test_an_admin_approves_one_of_two_claims_by_its_number(client, db_url, secret, other_secret, victim_key, sessions) -> None:  # type: ignore[no-untyped-def]
    first = ask(client, secret, VICTIM.host.uuid, "ke-toan-01").json()["node_key"]
    ask(client, other_secret, VICTIM.host.uuid, "attacker")
    code, out = cli(db_url, "hosts", "--pending", "--format", "json")
    assert code == 0
    pending = json.loads(out)
    assert [(p["host"], p["outcome"], p["source_address"]) for p in pending] == [
        ("ke-toan-01", "pending", "127.0.0.1"), ("attacker", "pending", "127.0.0.1")]
    # By name it is ambiguous: the admin must choose, and sees both claims.
    code, out = cli(db_url, "host", "approve", VICTIM.host.uuid)
    assert code == 1 and f"#{pending[0]['request']} from 127.0.0.1" in out
    code, out = cli(db_url, "host", "approve", str(pending[0]["request"]))
    assert code == 0 and "ke-toan-01" in out
    assert post_report(client, first, VICTIM).status_code == 200
    assert post_report(client, victim_key, VICTIM).status_code == 401
    with sessions() as session:
        outcomes = session.scalars(select(EnrollAttempt.outcome).order_by(EnrollAttempt.id)).all()
    assert outcomes == ["enrolled", "approved", "superseded"]


def test_revoke_cuts_a_host_off_until_an_enrollment_is_approved(client, db_url, secret, victim_key, sessions) -> None:  # type: ignore[no-untyped-def]
    code, out = cli(db_url, "host", "revoke", "ke-toan-01")
    assert code == 0 and "revoked" in out
    assert post_report(client, victim_key, VICTIM).status_code == 401
    # Its old key is no proof any more.
    answer = ask(client, secret, VICTIM.host.uuid, "ke-toan-01", node_key=victim_key)
    assert answer.status_code == 202
    code, out = cli(db_url, "host", "ke-toan-01")
    assert code == 0 and "Revoked" in out
    assert cli(db_url, "host", "approve", "ke-toan-01")[0] == 0
    assert post_report(client, answer.json()["node_key"], VICTIM).status_code == 200
    with sessions() as session:  # history kept throughout
        assert session.scalar(select(func.count()).select_from(Host)) == 1


def test_a_denied_enrollment_key_never_works(client, db_url, secret, victim_key) -> None:  # type: ignore[no-untyped-def]
    key = ask(client, secret, VICTIM.host.uuid, "ke-toan-01").json()["node_key"]
    code, out = cli(db_url, "host", "deny", "ke-toan-01")
    assert code == 0 and "denied" in out
    assert post_report(client, key, VICTIM).status_code == 401


def test_a_unit_can_require_approval_of_new_hosts(client, db_url, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    code, out = cli(db_url, "unit", "approval", "Phòng Tài chính", "on")
    assert code == 0 and "wait" in out
    answer = ask(client, secret, VICTIM.host.uuid, "ke-toan-01")
    assert answer.status_code == 202
    key = answer.json()["node_key"]
    assert post_report(client, key, VICTIM).status_code == 423
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Host)) == 0
    assert cli(db_url, "host", "approve", "ke-toan-01")[0] == 0
    assert post_report(client, key, VICTIM).status_code == 200
    code, out = cli(db_url, "unit", "list", "--format", "csv")
    assert out.splitlines() == ["unit,code,parent,hosts,hosts_in_tree,approve_new_hosts", "Phòng Tài chính,,,1,1,True"]


def test_wrong_secrets_are_recorded_then_throttled_per_address(client, db_url, secret) -> None:  # type: ignore[no-untyped-def]
    answers = [ask(client, f"pge_guess{n}", f"uuid-{n}", "x").status_code for n in range(25)]
    assert answers == [403] * 20 + [429] * 5
    throttled = ask(client, secret, "uuid-ok", "x")
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    code, out = cli(db_url, "enrollments", "--suspicious", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 20 and {r["outcome"] for r in rows} == {"bad_secret"}


def test_findings_survive_a_takeover_attempt(client, db_url, other_secret, victim_key, sessions, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    code, out = cli(db_url, "warnings", "import", str(fixtures_dir / "warnings" / "two_letters_en.csv"))
    assert code == 0, out
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(Finding).where(Finding.resolved_at.is_(None)))
    assert before == 2
    attacker_key = ask(client, other_secret, VICTIM.host.uuid, "attacker").json()["node_key"]
    post_report(client, attacker_key, debian_host(uuid=VICTIM.host.uuid, hostname="attacker", packages=[]))
    with sessions() as session:
        after = session.scalar(select(func.count()).select_from(Finding).where(Finding.resolved_at.is_(None)))
    assert after == before
