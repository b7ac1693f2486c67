"""Small pieces: OSV ecosystems -> distro, events -> vers, CVSS base scores."""
from __future__ import annotations

import pytest

from server.feeds.osv import severity
from server.feeds.osv.ecosystems import Target, resolve
from server.feeds.osv.record import parse_record
from server.feeds.osv.vers import Span, enumerated, spans


@pytest.mark.parametrize(
    ("osv", "purl", "expected"),
    [
        ("Debian:12", "", Target("deb", "deb", "debian:12")),
        ("Debian:6.0", "", Target("deb", "deb", "debian:6")),
        ("Debian:sid", "", Target("deb", "deb", "debian:sid")),
        ("Debian", "", Target("deb", "deb", "")),
        ("Ubuntu:22.04:LTS", "", Target("deb", "deb", "ubuntu:22.04")),
        ("Ubuntu:24.10", "", Target("deb", "deb", "ubuntu:24.10")),
        ("Ubuntu:Pro:18.04:LTS", "", Target("deb", "deb", "ubuntu:18.04")),
        ("Ubuntu:Pro:FIPS-updates:20.04:LTS", "", Target("deb", "deb", "ubuntu:20.04")),
        ("AlmaLinux:9", "", Target("rpm", "rpm", "almalinux:9")),
        ("Rocky Linux:8", "pkg:rpm/rocky-linux/x?distro=rocky-linux-8-aarch64", Target("rpm", "rpm", "rocky:8")),
        ("Rocky Linux:8", "pkg:rpm/rocky-linux/k?distro=rocky-linux-8-sig-cloud&epoch=0",
         Target("rpm", "rpm", "rocky:8-sig-cloud")),
        ("Red Hat:enterprise_linux:9::appstream", "", Target("rpm", "rpm", "rhel:9")),
        ("Red Hat:rhel_eus:9.2::baseos", "", Target("rpm", "rpm", "rhel:9.2")),
        # Layered products take the RHEL major their CPE names; Software
        # Collections name none (any RHEL); minor-release streams keep the minor.
        ("Red Hat:openshift:4.14::el9", "", Target("rpm", "rpm", "rhel:9")),
        ("Red Hat:jboss_enterprise_application_platform:7.4::el8", "", Target("rpm", "rpm", "rhel:8")),
        ("Red Hat:rhel_software_collections:3", "", Target("rpm", "rpm", "rhel")),
        ("Red Hat:rhel_aus:8.2::appstream", "", Target("rpm", "rpm", "rhel:8.2")),
        ("Red Hat:rhel_els:7", "", Target("rpm", "rpm", "rhel:7")),
        ("SUSE:Linux Enterprise Server 15 SP5", "", Target("rpm", "rpm", "sles:15.5")),
        ("SUSE:Linux Enterprise Server 12", "", Target("rpm", "rpm", "sles:12.0")),
        ("SUSE:Linux Enterprise Module for Basesystem 15 SP6", "", Target("rpm", "rpm", "sles:15.6")),
        ("SUSE:Linux Enterprise Micro 5.5", "", Target("rpm", "rpm", "suse:linux-enterprise-micro-5.5")),
        ("openSUSE:Leap 15.5", "", Target("rpm", "rpm", "opensuse:15.5")),
        ("openSUSE:Tumbleweed", "", Target("rpm", "rpm", "opensuse:tumbleweed")),
        ("Alpine:v3.18", "", Target("apk", "alpine", "alpine:3.18")),
        ("Azure Linux:3", "", Target("rpm", "rpm", "azurelinux:3")),
        ("Azure Linux:3.0", "", Target("rpm", "rpm", "azurelinux:3")),
        ("Azure Linux:2", "", Target("rpm", "rpm", "mariner:2")),  # CBL-Mariner 2.0 hosts say ID=mariner
        ("PyPI", "", Target("pypi", "pypi", "")),
        ("npm", "", Target("npm", "npm", "")),
    ],
)
def test_resolve(osv: str, purl: str, expected: Target) -> None:
    assert resolve(osv, purl) == expected


@pytest.mark.parametrize("osv", ["Go", "Maven", "crates.io", "GIT", "", "pypi"])
def test_ecosystems_we_do_not_inventory(osv: str) -> None:
    assert resolve(osv) is None


@pytest.mark.parametrize(
    ("scheme", "events", "expected", "warnings"),
    [
        ("deb", [("introduced", "0"), ("fixed", "1.2-1")], [Span("vers:deb/<1.2-1", "1.2-1")], 0),
        ("rpm", [("introduced", "0"), ("fixed", "0:1.2-1.el9")], [Span("vers:rpm/<1.2-1.el9", "1.2-1.el9")], 0),
        ("rpm", [("introduced", "0"), ("fixed", "2:1.2-1")], [Span("vers:rpm/<2:1.2-1", "2:1.2-1")], 0),
        ("npm", [("introduced", "0")], [Span("vers:npm/*")], 0),
        ("npm", [("introduced", "1.0.0")], [Span("vers:npm/>=1.0.0")], 0),
        ("npm", [("introduced", "1.0.0"), ("last_affected", "1.0.0")], [Span("vers:npm/1.0.0")], 0),
        ("npm", [("introduced", "1.0.0"), ("fixed", "1.0.0")], [], 1),
        ("pypi", [("introduced", "0"), ("limit", "2.0")], [Span("vers:pypi/<2.0")], 0),
        ("pypi", [("introduced", "1.0"), ("limit", "*")], [Span("vers:pypi/>=1.0")], 0),
        ("pypi", [("fixed", "1.0"), ("introduced", "2.0")], [Span("vers:pypi/>=2.0")], 1),
        ("pypi", [("introduced", "1.0"), ("introduced", "1.5"), ("fixed", "2.0")],
         [Span("vers:pypi/>=1.0|<2.0", "2.0")], 0),
        ("alpine", [("introduced", "0"), ("fixed", "1.2.3-r1")], [Span("vers:alpine/<1.2.3-r1", "1.2.3-r1")], 0),
    ],
)
def test_spans(scheme: str, events: list[tuple[str, str]], expected: list[Span], warnings: int) -> None:
    found, notes = spans(scheme, events)
    assert (found, len(notes)) == (expected, warnings)


def test_versions_are_quoted_and_listed_once() -> None:
    assert enumerated("pypi", ["1.0|rc*1 x"]) == Span("vers:pypi/1.0%7Crc%2A1%20x")
    assert enumerated("pypi", ["1.0", "1.1", "1.0", ""]) == Span("vers:pypi/1.0|1.1")


def test_unusable_affected_entries_are_warnings() -> None:
    record = {
        "id": "OSV-2024-1",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {"package": {"ecosystem": "Go", "name": "example.com/x"}},
            {"ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}]}]},
            {"package": {"ecosystem": "PyPI", "name": "onlygit"},
             "ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}]}]},
            {"package": {"ecosystem": "PyPI", "name": "nothing-given"}},
        ],
    }
    parsed = parse_record(record, "x.json")
    assert parsed.ok
    assert [i.vers_range for i in parsed.advisories[0].affected] == ["vers:pypi/*"]
    assert [(p.path, p.fatal) for p in parsed.problems] == [
        ("$.affected[0].package.ecosystem", False),
        ("$.affected[1]", False),
        ("$.affected[2].ranges[0]", False),
        ("$.affected[2]", False),
        ("$.affected[3]", False),
    ]


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/E:P", 9.9),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", None),
        ("CVSS:3.1/AV:N/AC:L", None),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", None),
    ],
)
def test_cvss3_base_score(vector: str, score: float | None) -> None:
    assert severity.cvss3_base(vector) == score


def test_textual_severities() -> None:
    assert [severity.word(w) for w in ("Important", "MODERATE", "negligible", "Critical", "unknown")] == [
        "high", "medium", "low", "critical", "",
    ]
    assert severity.from_summary("Low: kernel update") == "low"
    assert severity.highest("low", "", "high", "medium") == "high"
    assert [severity.bucket(s) for s in (0.0, 3.9, 4.0, 7.0, 9.0)] == ["", "low", "medium", "high", "critical"]
