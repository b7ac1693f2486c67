"""The ingest API over real HTTP: enrollment, reports, and every bad input
answered with a clear error while what is stored stays intact."""
from __future__ import annotations

import gzip
import json

import httpx
import pytest
from sqlalchemy import func, select

from collector import wire
from server.db.models import Host, HostSoftware, Software
from tests.reports import debian_host, software


def enroll_host(client: httpx.Client, secret: str, report: wire.Report) -> str:
    response = client.post(
        "/api/v1/enroll",
        json=wire.to_dict(wire.EnrollRequest(enroll_secret=secret, host_uuid=report.host.uuid, hostname=report.host.hostname)),
    )
    assert response.status_code == 200, response.text
    return response.json()["node_key"]


def post_report(client: httpx.Client, key: str, report: wire.Report | dict, gzip_body: bool = True) -> httpx.Response:
    data = wire.to_dict(report) if isinstance(report, wire.Report) else report
    body = json.dumps(data).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if gzip_body:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    return client.post("/api/v1/report", content=body, headers=headers)


def counts(sessions) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Host)),
            session.scalar(select(func.count()).select_from(Software)),
            session.scalar(select(func.count()).select_from(HostSoftware)),
        )


def test_health(client: httpx.Client) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok", "wire_version": wire.WIRE_VERSION}


def test_enroll_then_report_stores_the_inventory(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    report = debian_host()
    key = enroll_host(client, secret, report)
    assert key.startswith("pgn_")
    response = post_report(client, key, report)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == {"host_id": 1, "software_added": 5, "software_removed": 0, "findings_open": 0,
                      "triage_requested": False, "report_id": answer["report_id"]}
    assert len(answer["report_id"]) == 16  # the base a delta report names
    with sessions() as session:
        host = session.scalar(select(Host))
        assert (host.hostname, host.distro, host.unit.name) == ("ke-toan-01", "debian:12", "Phòng Tài chính")
        # Only the hash of the node key is stored.
        assert key not in (host.node_key_hash or "")
        names = set(session.scalars(select(Software.match_name)))
    assert names == {"openssh", "glibc", "openssl", "curl"}


def test_same_report_twice_changes_nothing(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    report = debian_host()
    key = enroll_host(client, secret, report)
    post_report(client, key, report)
    before = counts(sessions)
    again = post_report(client, key, report, gzip_body=False)
    assert again.json()["software_added"] == 0 and again.json()["software_removed"] == 0
    assert counts(sessions) == before


def test_software_is_stored_once_for_many_hosts(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        report = debian_host(uuid=f"host-{n}", hostname=f"pc-{n}")
        post_report(client, enroll_host(client, secret, report), report)
    assert counts(sessions) == (3, 5, 15)


def test_upgrade_replaces_the_hosts_software_by_a_diff(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    report = debian_host()
    key = enroll_host(client, secret, report)
    post_report(client, key, report)
    upgraded = debian_host(packages=[*report.software[:4], software("curl", "7.88.1-10+deb12u15")])
    response = post_report(client, key, upgraded)
    assert response.json()["software_added"] == 1 and response.json()["software_removed"] == 1
    assert counts(sessions) == (1, 6, 5)


@pytest.mark.parametrize(
    ("secret_value", "status"),
    [("pge_not-a-real-secret", 403), ("", 403)],
)
def test_enroll_with_a_wrong_secret_is_refused(client, secret_value, status) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/enroll", json={"enroll_secret": secret_value, "host_uuid": "x", "hostname": "x"})
    assert response.status_code == status
    assert "enroll secret" in response.json()["detail"]


def test_revoked_secret_cannot_enroll(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    from server.inventory.enroll import revoke_secret

    with sessions.begin() as session:
        revoke_secret(session, secret)
    response = client.post("/api/v1/enroll", json={"enroll_secret": secret, "host_uuid": "x", "hostname": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer pgn_wrong", "Basic abc", "Bearer pge_secret-instead"])
def test_report_with_a_wrong_node_key_is_refused(client, header) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/report", content=b"{}", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_bad_reports_get_clear_errors_and_lose_nothing(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    report = debian_host()
    key = enroll_host(client, secret, report)
    post_report(client, key, report)
    before = counts(sessions)
    auth = {"Authorization": f"Bearer {key}"}
    good = wire.to_dict(report)

    def bad(mutate) -> dict:  # type: ignore[no-untyped-def]
        data = json.loads(json.dumps(good))
        mutate(data)
        return data

    cases: list[tuple[bytes, dict[str, str], int, str]] = [
        (b"{not json", {}, 400, "not JSON"),
        (b"\xff\xfe garbage", {}, 400, "not UTF-8"),
        (gzip.compress(b"x")[:10], {"Content-Encoding": "gzip"}, 400, "gzip"),
        (b"{}", {"Content-Encoding": "br"}, 415, "Content-Encoding"),
        (json.dumps(bad(lambda d: d.pop("host"))).encode(), {}, 422, "host"),
        (json.dumps(bad(lambda d: d["software"][0].update(version=123))).encode(), {}, 422, "software.0.version"),
        (json.dumps(bad(lambda d: d["host"].update(hostname="a\u0000b"))).encode(), {}, 422, "NUL"),
        (json.dumps(bad(lambda d: d["host"].update(hostname="x" * 5000))).encode(), {}, 422, "at most 255 characters"),
        (json.dumps(bad(lambda d: d.update(wire_version=99))).encode(), {}, 422, "wire_version"),
        (json.dumps(bad(lambda d: d["host"].update(uuid="someone-else"))).encode(), {}, 422, "node key belongs"),
        # A lone surrogate escape cannot be stored (nor UTF-8 encoded): refused while parsing.
        (json.dumps(good).replace('"ke-toan-01"', '"\\ud800"').encode(), {}, 400, "surrogate"),
        (b"[" * 100_000 + b"]" * 100_000, {}, 400, "nested"),
    ]
    for body, headers, status, words in cases:
        response = client.post("/api/v1/report", content=body, headers={**auth, **headers})
        assert response.status_code == status, (words, response.text)
        assert words in response.json()["detail"], (words, response.text)
    assert counts(sessions) == before


def test_huge_bodies_and_gzip_bombs_stop_at_the_limit(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    report = debian_host()
    key = enroll_host(client, secret, report)
    auth = {"Authorization": f"Bearer {key}"}
    huge = client.post("/api/v1/report", content=b" " * (3 * 1024 * 1024), headers=auth)
    assert huge.status_code == 413
    bomb = gzip.compress(b" " * (50 * 1024 * 1024))
    response = client.post("/api/v1/report", content=bomb, headers={**auth, "Content-Encoding": "gzip"})
    assert response.status_code == 413 and "decompressed" in response.json()["detail"]
    too_many = debian_host(packages=[software(f"p{i}", "1.0") for i in range(5_001)])
    assert post_report(client, key, too_many).status_code == 413
    assert counts(sessions) == (1, 0, 0)


def test_odd_unicode_round_trips(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    names = ["Bộ gõ Tiếng Việt UniKey", "日本語入力", "emoji 🛡️ tool", "Zero\u200bwidth", "RTL \u202eevil"]
    report = debian_host(packages=[software(n, "1.0", ecosystem="windows-program", arch="") for n in names])
    key = enroll_host(client, secret, report)
    assert post_report(client, key, report).status_code == 200
    with sessions() as session:
        assert set(session.scalars(select(Software.name))) == set(names)


def test_a_late_spooled_report_does_not_roll_back_the_inventory(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    new = debian_host(collected_at=now)
    old = debian_host(collected_at=now - dt.timedelta(days=2), packages=[software("old-only", "1")])
    key = enroll_host(client, secret, new)
    post_report(client, key, new)
    response = post_report(client, key, old)
    assert response.status_code == 200
    assert counts(sessions) == (1, 5, 5)
