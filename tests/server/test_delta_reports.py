"""Delta reports over real HTTP on SQLite and PostgreSQL: a full report then
a delta leaves exactly what the second full report would (inventory and
findings), a delta on another base is answered "send the full report", a
heartbeat is small and still counts as a report, and bad deltas change nothing."""
from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from collector import delta as deltas
from collector import wire
from server.db.models import Finding, Host, HostAddress, HostPatch, HostReportDay, HostSoftware, Software
from server.feeds.interface import AffectedItem
from tests.matching.helpers import advisory, publish
from tests.reports import debian_host, software
from tests.server.test_api import enroll_host, post_report

T0 = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=2)
NAMES = ("openssl", "curl", "libc6", "openssh-client", "bash", "vim", "tzdata")
VERSIONS = ("1.0-1", "2.0-1", "3.0.11-1~deb12u2", "7.88.1-10+deb12u14")
KBS = ("KB5034441", "kb5034441", "KB5036892", "KB5001716", "KB890830")
ADDRESS_SETS = (
    (),
    (("eth0", "10.10.1.21", "52:54:00:12:34:56"),),
    (("eth0", "10.10.1.22", "52:54:00:12:34:56"), ("wlan0", "192.168.1.5", "")),
)
_uuids = itertools.count()


def post_delta(client: httpx.Client, key: str, body: wire.ReportDelta | dict | bytes) -> httpx.Response:
    if isinstance(body, wire.ReportDelta):
        body = wire.dumps(body)
    elif isinstance(body, dict):
        body = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Content-Encoding": "gzip"}
    return client.post("/api/v1/report/delta", content=gzip.compress(body), headers=headers)


def delta_of(base: wire.Report, base_id: str, report: wire.Report) -> wire.ReportDelta:
    made = deltas.make_delta(deltas.LastReport("test", base_id, base), report)
    assert made is not None
    return made


def stored(sessions, uuid: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the server holds of a host, with the server's own clock readings
    told as "at its last report" or not (two hosts report at other moments)."""
    with sessions() as session:
        host = session.scalar(select(Host).where(Host.uuid == uuid))
        last = host.last_report_at
        software_rows = session.execute(
            select(Software.key, HostSoftware.first_seen).join(HostSoftware, HostSoftware.software_id == Software.id)
            .where(HostSoftware.host_id == host.id)).all()
        patches = session.execute(select(HostPatch.hotfix_id, HostPatch.installed_on, HostPatch.description,
                                         HostPatch.first_seen, HostPatch.last_seen)
                                  .where(HostPatch.host_id == host.id)).all()
        addresses = session.execute(select(HostAddress.address, HostAddress.interface, HostAddress.mac,
                                           HostAddress.kind, HostAddress.first_seen, HostAddress.last_seen)
                                    .where(HostAddress.host_id == host.id)).all()
        findings = session.execute(select(Finding.advisory_pk, Finding.software_id, Finding.matcher,
                                          Finding.installed_version, Finding.fixed_version, Finding.first_detected,
                                          Finding.resolved_at).where(Finding.host_id == host.id)).all()
        days = set(session.scalars(select(HostReportDay.day).where(HostReportDay.host_id == host.id)))
        return {
            "host": (host.hostname, host.platform, host.platform_like, host.os_name, host.os_version, host.os_build,
                     host.os_arch, host.os_codename, host.distro, host.release, host.hardware,
                     host.collector_version, host.collector_source, host.last_collected_at),
            "software": sorted((key, seen == last) for key, seen in software_rows),
            "patches": sorted((kb, on, text, first == last, seen == last) for kb, on, text, first, seen in patches),
            "addresses": sorted((a, i, m, k) + ((f, s) if k == "interface" else ()) for a, i, m, k, f, s in addresses),
            "findings": sorted((a, s, m, iv, fv, first == last, resolved == last if resolved else None)
                               for a, s, m, iv, fv, first, resolved in findings),
            "days": days,
        }


def machine(uuid: str, packages: dict[str, tuple[str, str]], kbs: set[str], addresses: tuple, *,
            hostname: str = "ke-toan-01", version: str = "12", at: dt.datetime = T0) -> wire.Report:
    report = debian_host(
        uuid=uuid, hostname=hostname, version=version, collected_at=at,
        packages=[wire.Software(name=name, version=v, ecosystem="deb", arch="amd64", install_location=where,
                                source_package="glibc" if name == "libc6" else "")
                  for name, (v, where) in sorted(packages.items())],
        addresses=[wire.Address(interface=i, address=a, mac=m) for i, a, m in addresses],
    )
    return wire.Report(host=report.host, os=report.os, collector=report.collector, collected_at=report.collected_at,
                       software=report.software, addresses=report.addresses,
                       patches=[wire.Patch(hotfix_id=kb, installed_on=f"{len(kb)}/1/2026") for kb in sorted(kbs)])


@pytest.fixture
def advisories(sessions) -> None:  # type: ignore[no-untyped-def]
    """Advisories some of the generated packages fall under, so findings open and resolve."""
    with sessions.begin() as session:
        publish(session,
                advisory("DSA-1", AffectedItem("deb", "openssl", fixed_version="3.0.11-1~deb12u2", distro="debian:12")),
                advisory("DSA-2", AffectedItem("deb", "curl", fixed_version="2.0-1", distro="debian:12")),
                advisory("DSA-3", AffectedItem("deb", "glibc", fixed_version="7.88.1-10+deb12u14")),
                now=T0 - dt.timedelta(days=1))


inventories = st.fixed_dictionaries({
    "packages": st.dictionaries(st.sampled_from(NAMES),
                                st.tuples(st.sampled_from(VERSIONS), st.sampled_from(("", "/usr", "/opt")))),
    "kbs": st.sets(st.sampled_from(KBS)),
    "addresses": st.sampled_from(ADDRESS_SETS),
    "hostname": st.sampled_from(("ke-toan-01", "ke-toan-01b")),
    "version": st.sampled_from(("12", "11")),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=inventories, second=inventories)
def test_full_then_delta_leaves_what_the_second_full_report_leaves(client, secret, sessions, advisories,
                                                                   first, second) -> None:  # type: ignore[no-untyped-def]
    number = next(_uuids)
    by_delta, by_full = f"delta-{number}", f"full-{number}"
    answers = {}
    for uuid in (by_delta, by_full):
        one = machine(uuid, **first)
        key = enroll_host(client, secret, one)
        accepted = post_report(client, key, one)
        assert accepted.status_code == 200, accepted.text
        two = machine(uuid, **second, at=T0 + dt.timedelta(hours=1))
        if uuid == by_delta:
            change = delta_of(one, accepted.json()["report_id"], two)
            answers[uuid] = post_delta(client, key, change)
        else:
            answers[uuid] = post_report(client, key, two)
        assert answers[uuid].status_code == 200, answers[uuid].text
    same = ("software_added", "software_removed", "findings_open", "triage_requested")
    assert {k: answers[by_delta].json()[k] for k in same} == {k: answers[by_full].json()[k] for k in same}
    assert stored(sessions, by_delta) == stored(sessions, by_full)


def test_a_delta_on_another_base_is_answered_send_the_full_report(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    one = machine("stale-1", {"curl": ("1.0-1", "")}, {"KB890830"}, ADDRESS_SETS[1])
    two = machine("stale-1", {"curl": ("2.0-1", "")}, set(), ADDRESS_SETS[1], at=T0 + dt.timedelta(hours=1))
    three = machine("stale-1", {"bash": ("2.0-1", "")}, set(), ADDRESS_SETS[2], at=T0 + dt.timedelta(hours=2))
    key = enroll_host(client, secret, one)
    first_id = post_report(client, key, one).json()["report_id"]
    second_id = post_report(client, key, two).json()["report_id"]
    assert first_id != second_id
    before = stored(sessions, "stale-1")
    answer = post_delta(client, key, delta_of(one, first_id, three))
    assert answer.status_code == 409
    assert answer.json()["type"] == wire.FULL_REPORT_REQUIRED
    assert first_id in answer.json()["detail"] and second_id in answer.json()["detail"]
    assert stored(sessions, "stale-1") == before
    # On the right base the same change applies.
    assert post_delta(client, key, delta_of(two, second_id, three)).status_code == 200
    assert [name for name, _ in stored_names(sessions, "stale-1")] == ["bash"]


def test_a_host_that_never_sent_a_full_report_is_asked_for_one(client, secret) -> None:  # type: ignore[no-untyped-def]
    one = machine("never-1", {}, set(), ())
    key = enroll_host(client, secret, one)
    answer = post_delta(client, key, delta_of(one, "0123456789abcdef", one))
    assert (answer.status_code, answer.json()["type"]) == (409, wire.FULL_REPORT_REQUIRED)


def test_a_delta_removing_what_the_base_does_not_hold_changes_nothing(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    one = machine("unknown-1", {"curl": ("1.0-1", "")}, {"KB890830"}, ())
    key = enroll_host(client, secret, one)
    base = post_report(client, key, one).json()["report_id"]
    before = stored(sessions, "unknown-1")
    for change in (
        wire.ReportDelta(host_uuid="unknown-1", base_report_id=base, collected_at=T0.isoformat(),
                         software_removed=[software("vim", "2.0-1")]),
        wire.ReportDelta(host_uuid="unknown-1", base_report_id=base, collected_at=T0.isoformat(),
                         patches_removed=["KB5001716"]),
    ):
        answer = post_delta(client, key, change)
        assert (answer.status_code, answer.json()["type"]) == (409, wire.FULL_REPORT_REQUIRED), answer.text
    assert stored(sessions, "unknown-1") == before


def test_a_heartbeat_is_small_and_counts_as_a_report(client, secret, sessions, advisories) -> None:  # type: ignore[no-untyped-def]
    packages = {name: ("1.0-1", "/usr") for name in NAMES}
    one = machine("beat-1", packages, set(KBS[2:]), ADDRESS_SETS[2])
    key = enroll_host(client, secret, one)
    base = post_report(client, key, one).json()["report_id"]
    with sessions.begin() as session:  # as if the full report came on an earlier day
        host_id = session.scalar(select(Host.id).where(Host.uuid == "beat-1"))
        session.execute(delete(HostReportDay).where(HostReportDay.host_id == host_id))
    before = stored(sessions, "beat-1")
    later = machine("beat-1", packages, set(KBS[2:]), ADDRESS_SETS[2], at=T0 + dt.timedelta(days=1))
    beat = delta_of(one, base, later)
    body = gzip.compress(wire.dumps(beat), mtime=0)
    assert len(body) < 1024, len(body)
    answer = post_delta(client, key, beat)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["software_added"], answer.json()["software_removed"]) == (0, 0)
    assert answer.json()["findings_open"] == 3  # openssl, curl and glibc below their fixes, still open
    assert answer.json()["report_id"] not in ("", base)
    after = stored(sessions, "beat-1")
    assert after["days"] == {dt.datetime.now(dt.timezone.utc).date()} and before["days"] == set()
    assert after["host"][-1] == T0 + dt.timedelta(days=1)  # last collected: the heartbeat's date
    assert [key for key, _ in after["software"]] == [key for key, _ in before["software"]]
    assert not any(new for _, new in after["software"])  # nothing came with the heartbeat
    # The addresses it did not repeat were seen again at the heartbeat, as with a full report.
    assert {row[-1] for row in after["addresses"] if row[3] == "interface"} == {T0 + dt.timedelta(days=1)}


def test_bad_deltas_get_4xx_and_change_nothing(client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    one = machine("bad-1", {"curl": ("1.0-1", "")}, {"KB890830"}, ADDRESS_SETS[1])
    key = enroll_host(client, secret, one)
    other = machine("bad-2", {}, set(), ())
    enroll_host(client, secret, other)
    base = post_report(client, key, one).json()["report_id"]
    before = stored(sessions, "bad-1")
    good = wire.to_dict(delta_of(one, base, one))
    too_many = [wire.to_dict(software(f"pkg{n}", "1.0")) for n in range(5_001)]  # the test server's limit: 5,000
    cases: list[tuple[object, int]] = [
        (b"{not json", 400),
        ({**good, "software_added": "curl"}, 422),
        ({**good, "host_uuid": "bad-2"}, 422),
        ({**good, "host": wire.to_dict(other.host)}, 422),
        ({**good, "base_report_id": ""}, 422),
        ({**good, "base_report_id": "x" * 65}, 422),
        ({**good, "wire_version": 2}, 422),
        ({**good, "collected_at": "yesterday"}, 422),
        ({**good, "collected_at": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).isoformat()}, 422),
        ({**good, "patches_removed": ["K" * 65]}, 422),
        ({**good, "patches_added": [{"hotfix_id": "KB1"}] * 5_001}, 422),
        ({**good, "software_added": [{"name": "a\x00", "version": "1", "ecosystem": "deb"}]}, 422),
        ({**good, "software_added": too_many}, 413),
        ({**good, "addresses": [{"interface": "eth0", "address": "1" * 65}]}, 422),
    ]
    for body, status in cases:
        answer = post_delta(client, key, body)  # type: ignore[arg-type]
        assert answer.status_code == status, (body if isinstance(body, bytes) else list(body), answer.text)
        assert answer.json()["detail"]
    oversized = gzip.compress(b" " * (3 * 1024 * 1024) + wire.dumps(delta_of(one, base, one)))
    answer = client.post("/api/v1/report/delta", content=oversized,
                         headers={"Authorization": f"Bearer {key}", "Content-Encoding": "gzip"})
    assert answer.status_code == 413
    assert post_delta(client, "pgn_not-a-key", good).status_code == 401  # type: ignore[arg-type]
    assert stored(sessions, "bad-1") == before


def stored_names(sessions, uuid: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return sorted(session.execute(
            select(Software.name, Software.version).join(HostSoftware, HostSoftware.software_id == Software.id)
            .join(Host, Host.id == HostSoftware.host_id).where(Host.uuid == uuid)).all())


def test_the_openapi_schema_documents_the_delta_and_its_answers(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/report/delta"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "base_report_id" in json.dumps(body) or "ReportDelta" in json.dumps(body)
    conflict = operation["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict["properties"]["type"]["enum"] == [wire.FULL_REPORT_REQUIRED]
    assert {"200", "401", "413", "422"} <= set(operation["responses"])
