"""Distro packages end to end (report -> advisory import -> findings), on
SQLite and PostgreSQL: backports, source packages, releases, epochs, EL streams."""
from __future__ import annotations

from server.feeds.interface import AffectedItem
from tests.matching.helpers import advisory, findings, linux, pkg, publish, report

OPENSSL_CPE = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"


def test_a_debian_backport_is_not_flagged_by_the_upstream_fix(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("patched", "debian", 11, [pkg("libssl1.1", "1.1.1n-0+deb11u5", source="openssl")]))
        report(session, linux("behind", "debian", 11, [pkg("libssl1.1", "1.1.1n-0+deb11u4", source="openssl")]))
        publish(session,
                advisory("DSA-5343-1", AffectedItem("deb", "openssl", "vers:deb/<1.1.1n-0+deb11u5",
                                                    "1.1.1n-0+deb11u5", distro="debian:11")),
                # Upstream says 1.1.1o; Debian backported the fix into 1.1.1n-0+deb11u5.
                advisory("CVE-2023-0286", AffectedItem("generic", "openssl", "vers:generic/<1.1.1o", "1.1.1o",
                                                       vendor="openssl", cpe=OPENSSL_CPE), source="nvd"))
    with sessions() as session:
        assert findings(session) == {("behind", "DSA-5343-1", "libssl1.1")}


def test_binary_packages_match_through_their_source_package(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("pc", "debian", 12, [
            pkg("libssl3", "3.0.11-1~deb12u2", source="openssl"),
            pkg("openssl", "3.0.11-1~deb12u2"),
            pkg("libcurl4", "7.88.1-10+deb12u5", source="curl"),
        ]))
        publish(session,
                advisory("DSA-5532-1", AffectedItem("deb", "openssl", "vers:deb/<3.0.13-1~deb12u1",
                                                    "3.0.13-1~deb12u1", distro="debian:12")),
                # Advisories name source packages; a binary name is not an identity.
                advisory("BOGUS-1", AffectedItem("deb", "libssl3", "vers:deb/<9", "9", distro="debian:12")))
    with sessions() as session:
        assert findings(session) == {("pc", "DSA-5532-1", "libssl3"), ("pc", "DSA-5532-1", "openssl")}


def test_a_bookworm_fix_never_applies_to_bullseye(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("bullseye", "debian", 11, [pkg("openssl", "1.1.1w-0+deb11u1")]))
        report(session, linux("bookworm", "debian", 12, [pkg("openssl", "3.0.11-1~deb12u2")]))
        publish(session, advisory("DSA-5532-1", AffectedItem("deb", "openssl", "vers:deb/<3.0.13-1~deb12u1",
                                                             "3.0.13-1~deb12u1", distro="debian:12")))
    with sessions() as session:
        # 1.1.1w sorts below 3.0.13 too, but it is a bullseye package.
        assert findings(session) == {("bookworm", "DSA-5532-1", "openssl")}


def test_rpm_epochs_decide(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("el9", "rhel", 9, [pkg("openssl-libs", "1:3.0.7-27.el9", "rpm", source="openssl")], 4))
        publish(session,
                advisory("RHSA-2024:1", AffectedItem("rpm", "openssl", "vers:rpm/<1:3.0.7-28.el9",
                                                     "1:3.0.7-28.el9", distro="rhel:9")),
                # No epoch is epoch 0: 0:3.0.9 is older than 1:3.0.7.
                advisory("RHSA-2024:2", AffectedItem("rpm", "openssl", "vers:rpm/<3.0.9-1.el9", "3.0.9-1.el9",
                                                     distro="rhel:9")))
    with sessions() as session:
        assert findings(session) == {("el9", "RHSA-2024:1", "openssl-libs")}


def test_rhel_advisories_reach_rebuilds_only_when_they_say_so(sessions) -> None:  # type: ignore[no-untyped-def]
    sudo = [pkg("sudo", "1.9.5p2-9.el9", "rpm")]
    with sessions.begin() as session:
        for uuid, platform in (("rhel", "rhel"), ("rocky", "rocky"), ("alma", "almalinux")):
            report(session, linux(uuid, platform, 9, sudo, 4))
        fixed = "1.9.5p2-10.el9"
        publish(session,
                advisory("RHSA-2024:9", AffectedItem("rpm", "sudo", f"vers:rpm/<{fixed}", fixed, distro="rhel:9")),
                advisory("RLSA-2024:9", AffectedItem("rpm", "sudo", f"vers:rpm/<{fixed}", fixed, distro="rocky:9")),
                # A letter that names the whole Enterprise Linux 9 family.
                advisory("1234/CATTT", AffectedItem("rpm", "sudo", fixed_version=fixed, distro="el:9"),
                         source="warning"))
    with sessions() as session:
        assert findings(session) == {
            ("rhel", "RHSA-2024:9", "sudo"), ("rocky", "RLSA-2024:9", "sudo"),
            ("rhel", "1234/CATTT", "sudo"), ("rocky", "1234/CATTT", "sudo"), ("alma", "1234/CATTT", "sudo"),
        }


def test_el8_fixes_never_apply_to_el9_hosts(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("el8", "rhel", 8, [pkg("sudo", "1.9.5p2-9.el8", "rpm")], 9))
        report(session, linux("el9", "rhel", 9, [pkg("sudo", "1.9.5p2-9.el9", "rpm")], 4))
        publish(session,
                advisory("RHSA-2024:8", AffectedItem("rpm", "sudo", "vers:rpm/<1.9.5p2-10.el8_9", "1.9.5p2-10.el8_9",
                                                     distro="rhel:8")),
                # A letter row without a distro: the ".el8_9" of its fix still says el8.
                advisory("77/CATTT", AffectedItem("rpm", "sudo", fixed_version="1.9.5p2-10.el8_9"),
                         source="warning"))
    with sessions() as session:
        assert findings(session) == {("el8", "RHSA-2024:8", "sudo"), ("el8", "77/CATTT", "sudo")}
