"""CBL-Mariner and Azure Linux hosts meet MSRC's rpm items for their release,
end to end (MSRC CVRF document -> import -> report -> findings)."""
from __future__ import annotations

from pathlib import Path

import pytest

from collector import wire
from server.distros import distro_of
from server.feeds.msrc import MsrcFeed
from tests.matching.helpers import findings, linux, pkg, publish, report


@pytest.mark.parametrize(
    ("platform", "version", "major", "distro"),
    [
        # osquery's os_version.platform is os-release's ID: "mariner" up to
        # 2.0, "azurelinux" from 3.0 (VERSION_ID "2.0" / "3.0").
        ("mariner", "2.0.20240609", 2, "mariner:2"),
        ("mariner", "1.0.20220226", 1, "mariner:1"),
        ("azurelinux", "3.0.20240727", 3, "azurelinux:3"),
    ],
)
def test_mariner_and_azure_linux_hosts_have_a_distro(platform: str, version: str, major: int, distro: str) -> None:
    assert distro_of(wire.OsInfo(name=platform, version=version, platform=platform, major=major, minor=0)) == distro


def _msrc(path: Path):  # type: ignore[no-untyped-def]
    (parsed,) = MsrcFeed().parse(path)
    assert parsed.ok
    return parsed.advisories


@pytest.mark.parametrize("advisory_first", [True, False])
def test_msrc_mariner_items_reach_mariner_hosts(sessions, fixtures_dir: Path, advisory_first: bool) -> None:  # type: ignore[no-untyped-def]
    hosts = [
        linux("cbl2-old", "mariner", 2, [pkg("glibc", "2.35-6.cm2", "rpm")]),
        linux("cbl2-fixed", "mariner", 2, [pkg("glibc", "2.35-7.cm2", "rpm")]),
        # The item names CBL-Mariner 2.0; Azure Linux 3.0 is another release.
        linux("azl3", "azurelinux", 3, [pkg("glibc", "2.35-1.azl3", "rpm")]),
    ]
    advisories = _msrc(fixtures_dir / "msrc" / "cvrf-2024-May-subset.xml")
    with sessions.begin() as session:
        if advisory_first:
            publish(session, *advisories)
        for host in hosts:
            report(session, host)
        if not advisory_first:
            publish(session, *advisories)
    with sessions() as session:
        assert findings(session) == {("cbl2-old", "CVE-2024-2961", "glibc")}


def test_shared_msrc_mariner_kernel(sessions, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    advisories = _msrc(shared_dir / "feeds" / "msrc" / "cvrf" / "cvrfDocument-2024-Jun.xml")
    rpm = {(a.advisory_id, i.product, i.distro) for a in advisories for i in a.affected if i.ecosystem == "rpm"}
    assert {distro for _, _, distro in rpm} == {"mariner:2"}
    with sessions.begin() as session:
        publish(session, *advisories)
        report(session, linux("cbl2-old", "mariner", 2, [pkg("kernel", "5.15.153.1-2.cm2", "rpm")]))
        report(session, linux("cbl2-new", "mariner", 2, [pkg("kernel", "5.15.158.2-1.cm2", "rpm")]))
    with sessions() as session:
        assert findings(session) == {("cbl2-old", cve, "kernel") for cve, product, _ in rpm if product == "kernel"}
