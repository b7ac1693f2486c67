"""The project's own hand-written CSAF documents, read into exact advisories."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from server.feeds.csaf import CsafFeed
from server.feeds.interface import Advisory, AffectedItem, Parsed, Problem

UTC = dt.timezone.utc


def _parse_one(path: Path) -> Parsed:
    parsed = list(CsafFeed().parse(path))
    assert len(parsed) == 1
    return parsed[0]


def test_tiny_advisory_is_read_exactly(fixtures_dir: Path) -> None:
    path = fixtures_dir / "csaf" / "pg-tiny-2024-0001.json"
    parsed = _parse_one(path)
    vendor = "Example Vendor"
    assert parsed.advisories == [Advisory(
        source="csaf",
        advisory_id="PG-TINY-2024-0001",
        title="Widget Server and Widget Agent: remote code execution",
        severity="critical",
        cvss=9.8,
        cves=("CVE-2024-11111", "CVE-2024-22222"),
        published=dt.datetime(2024, 5, 2, 10, 0, tzinfo=UTC),  # no zone in the file: UTC
        updated=dt.datetime(2024, 5, 9, 6, 30, tzinfo=UTC),  # +02:00 in the file
        revision="2",
        url="https://psirt.example.com/csaf/2024/pg-tiny-2024-0001.json",
        exploited=True,
        affected=(
            AffectedItem("generic", "Widget Server", "vers:generic/>=2.0|<2.4.1", "2.4.1", vendor=vendor,
                         fix_url="https://psirt.example.com/notice/17#fix",
                         fix_details="Update Widget Server to 2.4.1."),
            # A prose range that leaves no doubt is converted...
            AffectedItem("generic", "Widget Agent", "vers:generic/<1.7", vendor=vendor,
                         fix_details="See KB 1234567 in the Example Vendor knowledge base."),
            # ...one that does is kept for review, verbatim; and "KB" of a
            # non-Microsoft vendor is not a Microsoft KB.
            AffectedItem("generic", "Widget Agent", vendor=vendor,
                         needs_review="prose range '<= 1.2 SP3' is not unambiguous "
                                      "(product 'Widget Agent 1.2 SP3 and older')",
                         fix_details="See KB 1234567 in the Example Vendor knowledge base."),
            AffectedItem("pypi", "widget-py", "vers:pypi/>=3.0.0|<3.1.2", "3.1.2",
                         purl="pkg:pypi/widget-py"),
            # Components of a platform: package identity from the purl, distro from the platform.
            AffectedItem("deb", "libwidget", "vers:deb/<1.4.2-1+deb12u1", "1.4.2-1+deb12u1",
                         vendor="debian", distro="debian:12",
                         purl="pkg:deb/debian/libwidget@1.4.2-1%2Bdeb12u1?arch=source"),
            AffectedItem("rpm", "widget-libs", "vers:rpm/<1:2.3-4.el9", "1:2.3-4.el9",
                         vendor="redhat", distro="rhel:9",
                         purl="pkg:rpm/redhat/widget-libs@2.3-4.el9?arch=x86_64&epoch=1"),
        ),
    )]
    assert parsed.problems == [Problem(
        str(path), "undefined product id 'WS-UNDEFINED': skipped",
        "$.vulnerabilities[0].product_status.known_affected[4]", fatal=False)]
    assert parsed.ok


def test_msrc_windows_build_and_kb(fixtures_dir: Path) -> None:
    parsed = _parse_one(fixtures_dir / "csaf" / "msrc-windows-2099-0001.json")
    (advisory,) = parsed.advisories
    assert advisory.exploited  # "Exploited:Yes", not the "Exploitation Detected" index
    assert advisory.affected == (
        AffectedItem("windows-os", "10.0.22631", "vers:generic/<10.0.22631.4890", "10.0.22631.4890",
                     fixed_kbs=("KB5051989",), vendor="Microsoft",
                     fix_url="https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB5051989",
                     fix_details="5051989\nRelease Notes"),
        # A Microsoft product for another platform is not a Windows program.
        AffectedItem("generic", "Microsoft Visual Studio Code for macOS", "vers:generic/<1.97.1",
                     vendor="Microsoft"),
    )
    assert parsed.problems == []


def test_folder_yields_every_fixture(fixtures_dir: Path) -> None:
    ids = sorted(a.advisory_id for p in CsafFeed().parse(fixtures_dir / "csaf") for a in p.advisories)
    assert ids == ["CVE-9999-0101", "CVE-9999-0103", "PG-TINY-2024-0001", "RHSA-9999:0102", "msrc_CVE-2099-0001"]


def test_fixtures_are_schema_valid(fixtures_dir: Path, shared_dir: Path) -> None:
    feed = CsafFeed(schema_dir=shared_dir / "feeds" / "schemas")
    problems = [p for parsed in feed.parse(fixtures_dir / "csaf") for p in parsed.problems
                if p.reason.startswith("schema")]
    assert problems == []
