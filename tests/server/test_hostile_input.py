"""Input a compromised PC could send, each once answered 500, accepted when it
must not be, or able to freeze a host: now a clear 4xx on both databases,
with nothing already stored lost."""
from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json

import httpx
import pytest
from sqlalchemy import func, select, update

from collector import limits, wire
from server.db.models import Host, HostSoftware
from tests.reports import debian_host, software
from tests.server.test_api import enroll_host, post_report

NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture
def enrolled(client: httpx.Client, secret: str) -> str:
    key = enroll_host(client, secret, debian_host())
    assert post_report(client, key, debian_host()).status_code == 200
    return key


def stored_software(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(HostSoftware)) or 0


def post_raw(client: httpx.Client, key: str, body: bytes, encoding: str = "") -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if encoding:
        headers["Content-Encoding"] = encoding
    return client.post("/api/v1/report", content=body, headers=headers)


def with_field(path: str, value: object) -> dict:
    """The good report's data with one field (``a.b`` or ``software.0.name``) replaced."""
    data = wire.to_dict(debian_host())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


def test_an_integer_of_5000_digits_is_refused(client, enrolled, sessions) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(with_field("host.physical_memory", 0)).replace('"physical_memory": 0', '"physical_memory": ' + "9" * 5000)
    response = post_raw(client, enrolled, body.encode())
    assert response.status_code == 400 and "number out of range" in response.json()["detail"]
    assert stored_software(sessions) == 5


@pytest.mark.parametrize("value", [2**63, -1])
def test_integers_outside_a_bigint_are_refused(client, enrolled, value) -> None:  # type: ignore[no-untyped-def]
    response = post_report(client, enrolled, with_field("os.major", value))
    assert response.status_code == 422 and "os.major" in response.json()["detail"]


@pytest.mark.parametrize("path", ["host.physical_memory", "os.major", "wire_version"])
def test_a_boolean_is_no_integer(client, enrolled, path) -> None:  # type: ignore[no-untyped-def]
    response = post_report(client, enrolled, with_field(path, False))
    assert response.status_code == 422 and "valid integer" in response.json()["detail"]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "yesterday", ""])
def test_dates_out_of_range_or_no_date_are_refused(client, enrolled, sessions, value) -> None:  # type: ignore[no-untyped-def]
    response = post_report(client, enrolled, with_field("collected_at", value))
    assert response.status_code == 422 and "collected_at" in response.json()["detail"]
    assert stored_software(sessions) == 5


def test_a_future_dated_report_is_refused_and_cannot_freeze_the_host(client, enrolled, sessions) -> None:  # type: ignore[no-untyped-def]
    future = (NOW + dt.timedelta(days=2)).isoformat()
    response = post_report(client, enrolled, with_field("collected_at", future))
    assert response.status_code == 422 and "ahead of the server's clock" in response.json()["detail"]
    # A later real report still applies (one packages fewer).
    later = debian_host(packages=[software("curl", "7.88.1-10+deb12u14")])
    assert post_report(client, enrolled, later).json()["software_removed"] == 4


def test_a_host_frozen_by_an_old_future_date_reports_again(client, enrolled, sessions) -> None:  # type: ignore[no-untyped-def]
    # What servers before the check stored from a report dated 9999-01-01.
    with sessions.begin() as session:
        session.execute(update(Host).values(last_collected_at=dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)))
    later = debian_host(packages=[software("curl", "7.88.1-10+deb12u14")])
    assert post_report(client, enrolled, later).json()["software_removed"] == 4


# Every text the server stores in a column narrower than 1,024 characters:
# PostgreSQL once answered 500 (StringDataRightTruncation), SQLite stored them.
NARROW = [
    ("host.hostname", limits.HOSTNAME), ("host.hardware_vendor", limits.HARDWARE_PART),
    ("host.hardware_model", limits.HARDWARE_PART), ("os.name", limits.OS_NAME), ("os.version", limits.OS_VERSION),
    ("os.platform", limits.PLATFORM), ("os.platform_like", limits.PLATFORM_LIKE), ("os.codename", limits.CODENAME),
    ("os.build", limits.OS_BUILD), ("os.arch", limits.ARCH), ("collector.version", limits.COLLECTOR_VERSION),
    ("collector.source", limits.COLLECTOR_SOURCE), ("software.0.name", limits.SOFTWARE_NAME),
    ("software.0.version", limits.VERSION), ("software.0.arch", limits.ARCH), ("software.0.vendor", limits.VENDOR),
    ("software.0.source_package", limits.SOURCE_PACKAGE), ("software.0.release", limits.RELEASE),
    ("software.0.ecosystem", limits.ECOSYSTEM), ("addresses.0.address", limits.ADDRESS),
    ("addresses.0.interface", limits.INTERFACE), ("addresses.0.mac", limits.MAC),
]


@pytest.mark.parametrize(("path", "limit"), NARROW)
def test_a_text_longer_than_its_column_is_refused(client, enrolled, sessions, path, limit) -> None:  # type: ignore[no-untyped-def]
    response = post_report(client, enrolled, with_field(path, "x" * 1024))
    assert response.status_code == 422, response.text
    assert f"at most {limit} characters" in response.json()["detail"]
    # At the limit it is stored.
    assert post_report(client, enrolled, with_field(path, "y" * limit)).status_code == 200, path


def test_a_hotfix_and_an_enroll_uuid_at_their_limits(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    long_uuid = "u" * limits.UUID
    report = dataclasses.replace(debian_host(), host=wire.HostInfo(uuid=long_uuid, hostname="h" * limits.HOSTNAME),
                                 patches=[wire.Patch(hotfix_id="K" * limits.HOTFIX_ID, description="d" * limits.DESCRIPTION)])
    key = enroll_host(client, secret, report)
    assert post_report(client, key, report).status_code == 200
    too_long = client.post("/api/v1/enroll", json={"enroll_secret": secret, "host_uuid": "u" * 1024, "hostname": "x"})
    assert too_long.status_code == 422 and "at most 128 characters" in too_long.json()["detail"]


def test_case_folding_that_outgrows_a_column_is_refused(client, enrolled, sessions) -> None:  # type: ignore[no-untyped-def]
    # "İ" lower-cases to two characters, "ß" upper-cases to two.
    name = with_field("software.0.name", "İ" * limits.SOFTWARE_NAME)
    name["software"][0]["ecosystem"] = "windows-program"
    response = post_report(client, enrolled, name)
    assert response.status_code == 422 and "normalised name" in response.json()["detail"]
    kb = with_field("patches", [{"hotfix_id": "ß" * limits.HOTFIX_ID}])
    response = post_report(client, enrolled, kb)
    assert response.status_code == 422 and "hotfix" in response.json()["detail"]
    assert stored_software(sessions) == 5


@pytest.mark.parametrize(("field", "limit"), [("addresses", limits.MAX_ADDRESSES), ("patches", limits.MAX_PATCHES)])
def test_lists_are_bounded(client, enrolled, sessions, field, limit) -> None:  # type: ignore[no-untyped-def]
    if field == "addresses":
        items = [{"interface": "eth0", "address": f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"} for n in range(limit + 1)]
    else:
        items = [{"hotfix_id": f"KB{n}"} for n in range(limit + 1)]
    response = post_report(client, enrolled, with_field(field, items))
    assert response.status_code == 422, response.text
    assert f"{limit + 1} items exceed the limit of {limit}" in response.json()["detail"]
    assert stored_software(sessions) == 5


def test_gzip_must_be_one_member_with_nothing_after_it(client, enrolled, sessions) -> None:  # type: ignore[no-untyped-def]
    good = gzip.compress(json.dumps(wire.to_dict(debian_host())).encode())
    for body in (good + b"garbage", good + gzip.compress(b"{}")):
        response = post_raw(client, enrolled, body, "gzip")
        assert response.status_code == 400 and "one gzip member" in response.json()["detail"]
    assert post_raw(client, enrolled, good, "gzip").status_code == 200


def test_enroll_checks_the_wire_version(client, secret) -> None:  # type: ignore[no-untyped-def]
    for version, status in ((99, 422), (True, 422)):
        response = client.post("/api/v1/enroll", json={"enroll_secret": secret, "host_uuid": "a", "hostname": "a",
                                                       "wire_version": version})
        assert response.status_code == status, response.text


def test_a_huge_bearer_token_is_refused_before_any_lookup(client) -> None:  # type: ignore[no-untyped-def]
    response = post_raw(client, "pgn_" + "x" * 5000, b"{}")
    assert response.status_code == 401


def test_the_openapi_schema_documents_bodies_and_errors(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/openapi.json").json()
    enroll, report = schema["paths"]["/api/v1/enroll"]["post"], schema["paths"]["/api/v1/report"]["post"]
    for operation, model in ((enroll, "EnrollRequest"), (report, "Report")):
        assert operation["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{model}"}
    assert set(enroll["responses"]) == {"200", "202", "400", "403", "413", "415", "422", "429", "503"}
    assert set(report["responses"]) == {"200", "400", "401", "413", "415", "422", "423", "503"}
    software_schema = schema["components"]["schemas"]["Software"]["properties"]
    assert software_schema["name"]["maxLength"] == limits.SOFTWARE_NAME
