"""``explain`` says why, item by item, for deb, rpm, Windows programs and
Windows builds, on SQLite and PostgreSQL. Whole rows are compared."""
from __future__ import annotations

import pytest

from server.feeds.interface import AffectedItem
from server.matching.explain import explain
from tests.matching.helpers import advisory, linux, pkg, publish, report, windows


@pytest.fixture
def hosts(sessions):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("ke-toan-01", "debian", 12, [pkg("libssl3", "3.0.11-1~deb12u2", source="openssl"),
                                                           pkg("openssl", "3.0.13-1~deb12u1")]))
        report(session, linux("srv-01", "rocky", 9, [pkg("openssl-libs", "1:3.0.7-27.el9", "rpm", source="openssl"),
                                                     pkg("sudo", "1.9.5p2-9.el9", "rpm")], 4))
        report(session, windows("MOTCUA-PC07", "10.0.19045.4170", kbs=("KB5035845",),
                                programs=[pkg("7-Zip 23.01 (x64)", "23.01", "windows-program")]))
        fixed = "1:3.0.7-28.el9_4"
        publish(
            session,
            advisory("DSA-5532-1",
                     AffectedItem("deb", "openssl", "vers:deb/<3.0.13-1~deb12u1", "3.0.13-1~deb12u1", distro="debian:12"),
                     AffectedItem("deb", "openssl", "vers:deb/<1.1.1w-0+deb11u2", "1.1.1w-0+deb11u2", distro="debian:11")),
            advisory("RLSA-2024:3", AffectedItem("rpm", "openssl", f"vers:rpm/<{fixed}", fixed, distro="rocky:9"),
                     AffectedItem("rpm", "openssl", f"vers:rpm/<{fixed}", fixed, distro="rhel:9"),
                     AffectedItem("rpm", "sudo", fixed_version="1.9.5p2-10.el8_9")),
            advisory("CVE-2024-11477", AffectedItem("generic", "7-zip", "vers:generic/<24.07", "24.07", vendor="7-zip",
                                                    cpe="cpe:2.3:a:7-zip:7-zip:*:*:*:*:*:*:*:*"), source="nvd"),
            advisory("CVE-2024-26234",
                     AffectedItem("windows-os", "10.0.19045", "vers:windows/<10.0.19045.4291", "10.0.19045.4291",
                                  fixed_kbs=("KB5036892",)),
                     AffectedItem("windows-os", "10.0.22631", "vers:windows/<10.0.22631.3447", "10.0.22631.3447",
                                  fixed_kbs=("KB5036893",)), source="msrc"),
        )
    return sessions


def _why(sessions, uuid: str, advisory_id: str) -> list[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from server.db.models import Host

    with sessions() as session:
        host = session.scalar(select(Host).where(Host.uuid == uuid))
        return [(e.item, e.installed, e.fixed, e.verdict, e.reason) for e in explain(session, host, advisory_id)]


def test_explain_a_debian_advisory(hosts) -> None:  # type: ignore[no-untyped-def]
    assert _why(hosts, "ke-toan-01", "DSA-5532-1") == [
        ("deb openssl (debian:12): libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1", "affected",
         "3.0.11-1~deb12u2 in vers:deb/<3.0.13-1~deb12u1"),
        ("deb openssl (debian:12): openssl", "3.0.13-1~deb12u1", "3.0.13-1~deb12u1", "not affected",
         "3.0.13-1~deb12u1 not in vers:deb/<3.0.13-1~deb12u1"),
        ("deb openssl (debian:11)", "", "1.1.1w-0+deb11u2", "not applicable",
         "advisory is for debian:11; this host is debian:12"),
    ]


def test_explain_an_rpm_advisory(hosts) -> None:  # type: ignore[no-untyped-def]
    assert _why(hosts, "srv-01", "RLSA-2024:3") == [
        ("rpm openssl (rocky:9): openssl-libs", "1:3.0.7-27.el9", "1:3.0.7-28.el9_4", "affected",
         "1:3.0.7-27.el9 in vers:rpm/<1:3.0.7-28.el9_4"),
        ("rpm openssl (rhel:9)", "", "1:3.0.7-28.el9_4", "not applicable", "advisory is for rhel:9; this host is rocky:9"),
        ("rpm sudo: sudo", "1.9.5p2-9.el9", "1.9.5p2-10.el8_9", "not affected",
         "fix is for the el8 base build, installed 1.9.5p2-9.el9 is an el9 base build"),
    ]


def test_explain_a_windows_program(hosts) -> None:  # type: ignore[no-untyped-def]
    assert _why(hosts, "MOTCUA-PC07", "CVE-2024-11477") == [
        ("generic 7-zip: 7-Zip 23.01 (x64)", "23.01", "24.07", "affected", "23.01 in vers:generic/<24.07"),
    ]
    assert _why(hosts, "ke-toan-01", "CVE-2024-11477") == [
        ("generic 7-zip", "", "24.07", "not installed", "no program identified as '7-zip:7-zip' on this host"),
    ]


def test_explain_a_windows_update(hosts) -> None:  # type: ignore[no-untyped-def]
    assert _why(hosts, "MOTCUA-PC07", "CVE-2024-26234") == [
        ("windows-os 10.0.19045", "10.0.19045.4170", "10.0.19045.4291", "affected",
         "10.0.19045.4170 in vers:windows/<10.0.19045.4291"),
        ("windows-os 10.0.22631", "10.0.19045.4170", "10.0.22631.3447", "not affected",
         "host build 10.0.19045.4170 is not in family 10.0.22631"),
    ]
    assert _why(hosts, "srv-01", "CVE-2024-26234")[0][3:] == (
        "not applicable", "Windows build family 10.0.19045; this host runs rocky")
