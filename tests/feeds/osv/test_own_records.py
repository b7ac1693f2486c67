"""Hand-written OSV fixtures (tests/fixtures/osv): the suite means something
without ../shared."""
from __future__ import annotations

import datetime as dt

from server.feeds.interface import Advisory, AffectedItem, Problem
from tests.feeds.osv.conftest import OWN, parse_one

UTC = dt.timezone.utc


def _only(name: str) -> tuple[Advisory, list[Problem]]:
    parsed = parse_one(OWN / name)
    assert parsed.ok
    [advisory] = parsed.advisories
    return advisory, parsed.problems


def test_debian_two_releases_zero_epoch() -> None:
    advisory, problems = _only("DSA-9001-1.json")
    assert problems == []
    assert advisory == Advisory(
        source="osv",
        advisory_id="DSA-9001-1",
        title="openssl - security update",
        cves=("CVE-2024-0001", "CVE-2024-0002"),  # aliases + related, CVE ids only
        published=dt.datetime(2024, 1, 31, tzinfo=UTC),
        updated=dt.datetime(2024, 2, 1, 10, 0, tzinfo=UTC),
        revision="2024-02-01T10:00:00+00:00",
        url="https://www.debian.org/security/2024/dsa-9001",  # ADVISORY beats an earlier REPORT
        affected=(
            AffectedItem("deb", "openssl", "vers:deb/<3.0.11-1~deb12u2", "3.0.11-1~deb12u2",
                         distro="debian:12", purl="pkg:deb/debian/openssl?arch=source"),
            AffectedItem("deb", "openssl", "vers:deb/<1.1.1w-0+deb11u1", "1.1.1w-0+deb11u1", distro="debian:11"),
        ),
    )


def test_pypi_three_branches_one_item_each() -> None:
    advisory, problems = _only("PYSEC-9999-1.json")
    assert problems == []
    assert (advisory.severity, advisory.cves) == ("medium", ("CVE-2024-1111",))  # MODERATE
    assert advisory.url == "https://www.djangoproject.com/weblog/2024/mar/04/security-releases/"
    assert advisory.revision == "2024-03-05T12:30:00.123456+00:00"
    purl = "pkg:pypi/django"
    assert advisory.affected == (
        AffectedItem("pypi", "Django", "vers:pypi/<3.2.25", "3.2.25", purl=purl),
        AffectedItem("pypi", "Django", "vers:pypi/>=4.0|<4.2.11", "4.2.11", purl=purl),
        AffectedItem("pypi", "Django", "vers:pypi/>=5.0a1|<5.0.3", "5.0.3", purl=purl),
    )


def test_npm_last_affected_and_ignored_git_range() -> None:
    advisory, problems = _only("GHSA-1111-2222-3333.json")
    assert (advisory.severity, advisory.cvss) == ("high", 7.2)
    assert advisory.affected == (
        AffectedItem("npm", "left-pad-ng", "vers:npm/>=1.0.0|<=1.4.2", "", purl="pkg:npm/left-pad-ng"),
    )
    assert problems == [
        Problem(str(OWN / "GHSA-1111-2222-3333.json"), "GIT range ignored (only version ranges are matched)",
                "$.affected[0].ranges[1]", fatal=False),
    ]


def test_malicious_package_every_version_no_fix() -> None:
    advisory, problems = _only("MAL-2099-1.json")
    assert problems == []
    assert (advisory.cves, advisory.url) == ((), "https://osv.dev/vulnerability/MAL-2099-1")
    assert advisory.affected == (
        AffectedItem("npm", "evil-colors", "vers:npm/*", "", purl="pkg:npm/evil-colors"),
    )


def test_ubuntu_pro_release_and_highest_priority() -> None:
    advisory, problems = _only("USN-9000-1.json")
    assert problems == []
    assert (advisory.severity, advisory.cves) == ("high", ("CVE-2024-3333",))  # from "upstream"
    assert [(i.distro, i.fixed_version) for i in advisory.affected] == [
        ("ubuntu:22.04", "7.81.0-1ubuntu1.16"),
        ("ubuntu:18.04", "7.58.0-2ubuntu3.24+esm4"),
    ]


def test_withdrawn_record_is_flagged() -> None:
    advisory, _ = _only("GHSA-4444-5555-6666.json")
    assert advisory.withdrawn is True
    assert advisory.affected[0].vers_range == "vers:pypi/>=2.0.0|<2.32.0"


def test_malformed_records_give_one_fatal_problem() -> None:
    cases = {
        "affected-not-a-list.json": ("$.affected", "expected an array, got an object"),
        "bad-event.json": (
            "$.affected[0].ranges[0].events[0]",
            "an event needs exactly one of introduced, fixed, last_affected, limit",
        ),
        "truncated.json": ("$", "not JSON: Unterminated string starting at: line 1 column 86 (char 85)"),
    }
    for name, (path, reason) in cases.items():
        source = str(OWN / "broken" / name)
        parsed = parse_one(OWN / "broken" / name)
        assert parsed.advisories == []
        assert parsed.problems == [Problem(source, reason, path)]
