"""Real OSV records from ../shared/testdata/feeds/osv -> exact normalised output."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from server.feeds.interface import Advisory, AffectedItem
from server.feeds.osv import OsvFeed
from tests.feeds.osv.conftest import parse_one

UTC = dt.timezone.utc


def _only(shared_osv: Path, rel: str) -> Advisory:
    parsed = parse_one(shared_osv / rel)
    assert parsed.problems == []
    [advisory] = parsed.advisories
    return advisory


def test_every_shared_record_parses_and_validates(shared_osv: Path, osv_schema_dir: Path) -> None:
    files = sorted(shared_osv.rglob("*.json"))
    assert len(files) >= 20
    results = list(OsvFeed(schema_dir=osv_schema_dir, strict=True).parse(shared_osv))
    assert [r.source_file for r in results] == [str(f) for f in files]
    for parsed in results:
        assert parsed.problems == [], parsed.source_file
        [advisory] = parsed.advisories
        assert advisory.source == "osv" and advisory.affected, parsed.source_file
        assert all(i.vers_range.startswith("vers:") for i in advisory.affected)


def test_debian_dsa_release_and_source_package(shared_osv: Path) -> None:
    assert _only(shared_osv, "debian/DSA-3029-1.json") == Advisory(
        source="osv",
        advisory_id="DSA-3029-1",
        title="nginx - security update",
        cves=("CVE-2014-3616",),
        published=dt.datetime(2014, 9, 20, tzinfo=UTC),
        updated=dt.datetime(2014, 9, 20, 8, 18, 7, tzinfo=UTC),
        revision="2014-09-20T08:18:07+00:00",
        url="https://www.debian.org/security/2014/dsa-3029",
        affected=(
            AffectedItem("deb", "nginx", "vers:deb/<1.2.1-2.2+wheezy3", "1.2.1-2.2+wheezy3", distro="debian:7"),
        ),
    )


def test_debian_lts_old_release_number_and_range_over_versions(shared_osv: Path) -> None:
    advisory = _only(shared_osv, "debian/DLA-0001-1.json")
    assert advisory.cves == ("CVE-2014-3466",)
    assert advisory.affected == (
        AffectedItem(
            "deb", "gnutls26", "vers:deb/<2.8.6-1+squeeze4", "2.8.6-1+squeeze4",
            distro="debian:6", purl="pkg:deb/debian/gnutls26?arch=source",
        ),
    )


def test_ubuntu_usn(shared_osv: Path) -> None:
    advisory = _only(shared_osv, "ubuntu/USN-7095-1.json")
    assert advisory.advisory_id == "USN-7095-1"
    assert advisory.title == "linux-nvidia, linux-nvidia-6.8, linux-nvidia-lowlatency vulnerabilities"
    assert advisory.url == "https://ubuntu.com/security/notices/USN-7095-1"
    assert (advisory.severity, advisory.cvss) == ("", None)
    assert len(advisory.cves) == 197 and advisory.cves[0] == "CVE-2023-52887"
    assert all(c.startswith("CVE-") for c in advisory.cves)  # UBUNTU-CVE-* dropped
    purl = "pkg:deb/ubuntu/{}?arch=src?distro={}"  # NOTE: Ubuntu's purls are kept verbatim
    assert advisory.affected == (
        AffectedItem("deb", "linux-nvidia-6.8", "vers:deb/<6.8.0-1017.19~22.04.1", "6.8.0-1017.19~22.04.1",
                     distro="ubuntu:22.04", purl=purl.format("linux-nvidia-6.8", "jammy")),
        AffectedItem("deb", "linux-nvidia", "vers:deb/<6.8.0-1017.19", "6.8.0-1017.19",
                     distro="ubuntu:24.04", purl=purl.format("linux-nvidia", "noble")),
        AffectedItem("deb", "linux-nvidia-lowlatency", "vers:deb/<6.8.0-1017.19.1", "6.8.0-1017.19.1",
                     distro="ubuntu:24.04", purl=purl.format("linux-nvidia-lowlatency", "noble")),
    )


def test_ubuntu_cve_record_releases_and_priority(shared_osv: Path) -> None:
    advisory = _only(shared_osv, "ubuntu/UBUNTU-CVE-2024-51988.json")
    assert advisory.severity == "medium"  # ecosystem_specific.ubuntu_priority
    assert advisory.url == "https://osv.dev/vulnerability/UBUNTU-CVE-2024-51988"  # only REPORT refs
    assert advisory.title == (  # no summary: the first line of details, cut
        "RabbitMQ is a feature rich, multi-protocol messaging and streaming broker. "
        "In affected versions queue deletion via the…"
    )
    assert [(i.distro, i.vers_range) for i in advisory.affected] == [
        ("ubuntu:20.04", "vers:deb/<3.8.3-0ubuntu0.1"),
        ("ubuntu:22.04", "vers:deb/<3.9.27-0ubuntu0.1"),
        ("ubuntu:24.10", "vers:deb/<3.12.1-1ubuntu2"),
        ("ubuntu:24.04", "vers:deb/<3.12.1-1ubuntu1"),
    ]


def test_almalinux_epoch_versions(shared_osv: Path) -> None:
    fixed = "1:1.1.1k-9.el8_7"
    assert _only(shared_osv, "almalinux/almalinux8/ALSA-2023_1405.json") == Advisory(
        source="osv",
        advisory_id="ALSA-2023:1405",
        title="Important: openssl security update",
        severity="high",  # from the summary prefix
        cves=("CVE-2023-0286", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215"),
        published=dt.datetime(2023, 3, 22, tzinfo=UTC),
        updated=dt.datetime(2023, 3, 23, 17, 30, 20, tzinfo=UTC),
        revision="2023-03-23T17:30:20+00:00",
        url="https://access.redhat.com/errata/RHSA-2023:1405",
        affected=tuple(
            AffectedItem("rpm", name, f"vers:rpm/<{fixed}", fixed, distro="almalinux:8")
            for name in ("openssl", "openssl-devel", "openssl-libs", "openssl-perl")
        ),
    )


def test_rocky_zero_epoch_dropped_and_cvss(shared_osv: Path) -> None:
    assert _only(shared_osv, "rocky/RLSA-2023_0005.json") == Advisory(
        source="osv",
        advisory_id="RLSA-2023:0005",
        title="Important: bcel security update",
        severity="high",
        cvss=8.1,
        cves=("CVE-2022-42920",),
        published=dt.datetime(2023, 1, 2, 6, 7, 3, tzinfo=UTC),
        updated=dt.datetime(2023, 2, 2, 14, 8, 58, 894629, tzinfo=UTC),
        revision="2023-02-02T14:08:58.894629+00:00",
        url="https://errata.rockylinux.org/RLSA-2023:0005",
        affected=(
            AffectedItem("rpm", "bcel", "vers:rpm/<6.4.1-9.el9_1", "6.4.1-9.el9_1", distro="rocky:9",
                         purl="pkg:rpm/rocky-linux/bcel?distro=rocky-linux-9-aarch64&epoch=0"),
        ),
    )


def test_rocky_two_releases_and_sig_variant(shared_osv: Path) -> None:
    java = _only(shared_osv, "rocky/RLSA-2024_8121.json")
    assert [(i.distro, i.fixed_version) for i in java.affected] == [
        ("rocky:9", "1:11.0.25.0.9-2.el9"), ("rocky:8", "1:11.0.25.0.9-2.el8"),
    ]
    assert java.severity == "medium" and java.cvss is None
    kernel = _only(shared_osv, "rocky/RXSA-2023_0101.json")
    assert [(i.distro, i.vers_range) for i in kernel.affected] == [
        ("rocky:8-sig-cloud", "vers:rpm/<4.18.0-425.10.1.el8_7.cloud"),
    ]
    assert kernel.cvss == 7.8


def test_suse_package_hub(shared_osv: Path) -> None:
    advisory = _only(shared_osv, "suse/openSUSE-SU-2016_1623-1.json")
    assert advisory.advisory_id == "openSUSE-SU-2016:1623-1"
    assert advisory.url.startswith("https://lists.opensuse.org/archives/list/security-announce@")
    assert advisory.affected == tuple(
        AffectedItem("rpm", name, f"vers:rpm/<{fixed}", fixed, distro="suse:package-hub-12")
        for name, fixed in [
            ("chromium", "51.0.2704.103-85.3"), ("imlib2", "1.4.5-5.1"), ("mosh", "1.2.5-8.1"),
            ("ninja", "1.5.3-4.1"), ("perl-Switch", "2.17-4.1"), ("protobuf", "2.5.0-2.1"),
        ]
    )  # NOTE: SUSE's "purl:rpm/..." is not a purl and is dropped


def test_pypi_several_packages(shared_osv: Path) -> None:
    advisory = _only(shared_osv, "pypi/GHSA-2c8c-84w2-j38j.json")
    assert (advisory.severity, advisory.cvss, advisory.cves) == ("high", 8.8, ("CVE-2020-28736",))
    assert [(i.product, i.vers_range, i.fixed_version) for i in advisory.affected] == [
        ("plone", "vers:pypi/<5.2.3", "5.2.3"),
        ("plone-app-event", "vers:pypi/<3.2.10", "3.2.10"),
        ("plone-app-theming", "vers:pypi/<4.1.6", "4.1.6"),
        ("plone-app-dexterity", "vers:pypi/<2.6.8", "2.6.8"),
        ("plone-supermodel", "vers:pypi/<1.6.3", "1.6.3"),
    ]
    pysec = _only(shared_osv, "pypi/PYSEC-2023-1.json")
    assert pysec.affected == (
        AffectedItem("pypi", "adyen", "vers:pypi/>=2.2.0|<7.1.0", "7.1.0", purl="pkg:pypi/adyen"),
    )


def test_npm_semver_and_malicious_version_lists(shared_osv: Path) -> None:
    ghsa = _only(shared_osv, "npm/GHSA-xxxq-chmp-67g4.json")
    assert (ghsa.severity, ghsa.cvss, ghsa.url) == ("critical", 9.8, "https://nvd.nist.gov/vuln/detail/CVE-2020-14967")
    assert ghsa.affected == (
        AffectedItem("npm", "jsrsasign", "vers:npm/<8.0.18", "8.0.18", purl="pkg:npm/jsrsasign"),
    )
    mal = _only(shared_osv, "npm/MAL-2023-1.json")
    assert mal.cves == () and mal.affected == (
        AffectedItem("npm", "@hyperion-util/cookies", "vers:npm/77.77.79", purl="pkg:npm/%40hyperion-util/cookies"),
    )
    assert _only(shared_osv, "pypi/MAL-2023-8.json").affected[0].vers_range == "vers:pypi/1.0"
