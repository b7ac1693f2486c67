"""The native source: dpkg status parsing, rpm output, os-release, host identity.

The strongest check runs on the test machine itself: every package
``dpkg-query`` lists must come out of our own parser with the same version.
"""
from __future__ import annotations

import shutil
import stat
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from collector import wire
from collector.errors import SourceUnavailable
from collector.inventory import build_report
from collector.sources import collect, dpkg, linux_host, linux_net, pick_source, rpm
from collector.sources.interface import Snapshot
from collector.sources.native import NativeSource

QUERY = "${Package}\t${Version}\t${Architecture}\t${Status}\n"
needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="dpkg-query not installed")


def dpkg_query(admindir: Path | None = None) -> Counter[tuple[str, str, str]]:
    """What dpkg itself says is installed, as (name, version, arch) with multiplicity."""
    args = ["dpkg-query", "-W", "-f", QUERY] + ([f"--admindir={admindir}"] if admindir else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines()]
    return Counter((name, version, arch) for name, version, arch, status in rows if dpkg.is_on_disk(status))


def as_counter(rows: list[wire.Software]) -> Counter[tuple[str, str, str]]:
    return Counter((r.name, r.version, r.arch) for r in rows)


@needs_dpkg
@pytest.mark.skipif(not dpkg.DEFAULT_STATUS.is_file(), reason="no dpkg database on this machine")
def test_every_package_dpkg_query_lists_on_this_machine(tmp_path: Path) -> None:
    ours = NativeSource(state_dir=tmp_path, rpm_path="").collect()
    assert as_counter(ours.software) == dpkg_query()
    assert all(r.ecosystem == "deb" and r.source_package for r in ours.software)


def test_fixture_status_file(fixtures_dir: Path) -> None:
    rows = dpkg.read_installed(fixtures_dir / "native" / "dpkg" / "status")
    got = sorted((r.name, r.version, r.arch, r.source_package) for r in rows)
    assert got == [
        ("apt", "2.6.1+deb12u1", "amd64", "apt"),  # from the updates/ journal
        ("bsdutils", "1:2.38.1-5+deb12u3+b1", "amd64", "util-linux"),
        ("libssl3", "3.0.15-1~deb12u1", "amd64", "openssl"),
        ("libssl3", "3.0.15-1~deb12u1", "i386", "openssl"),
        ("linux-image-6.1.0-18-amd64", "6.1.76-1", "amd64", "linux-signed-amd64"),  # held
        ("nano", "7.2-1+deb12u1", "amd64", "nano"),  # marked for removal, still on disk
        ("zero-epoch", "1.2~rc1-3", "all", "zero-epoch"),
    ]  # oldtool (config-files) and halfdone (half-installed) are not installed


@needs_dpkg
def test_fixture_agrees_with_dpkg_query(fixtures_dir: Path) -> None:
    admindir = fixtures_dir / "native" / "dpkg"
    assert as_counter(dpkg.read_installed(admindir / "status")) == dpkg_query(admindir)


@pytest.mark.parametrize(
    ("raw", "printed"),
    [("1.2-3", "1.2-3"), ("0:1.2-3", "1.2-3"), ("01:1.2-3", "1:1.2-3"), (" 2:1.0~rc1 ", "2:1.0~rc1"), ("1.2-", "1.2")],
)
def test_canonical_deb_version(raw: str, printed: str) -> None:
    assert dpkg.canonical_version(raw) == printed


def test_rpm_query_output(fixtures_dir: Path) -> None:
    rows = rpm.parse_query_output((fixtures_dir / "native" / "rpm-qa.txt").read_text())
    got = [(r.name, r.version, r.arch, r.source_package, r.release, r.vendor) for r in rows]
    assert got == [
        ("openssl-libs", "1:3.0.7-24.el9", "x86_64", "openssl", "24.el9", "Red Hat, Inc."),
        ("bash", "5.1.8-6.el9_1", "x86_64", "bash", "6.el9_1", "Red Hat, Inc."),
        ("glibc-langpack-en", "2.34-83.el9_3.7", "x86_64", "glibc", "83.el9_3.7", "Red Hat, Inc."),
        ("gpg-pubkey", "fd431d51-4ae0493b", "", "gpg-pubkey", "4ae0493b", ""),
    ]
    assert {r.ecosystem for r in rows} == {"rpm"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("debian-12", ("Debian GNU/Linux", "12", "debian", "", "bookworm", 12, 0)),
        ("ubuntu-22.04", ("Ubuntu", "22.04", "ubuntu", "debian", "jammy", 22, 4)),
        ("rhel-9", ("Red Hat Enterprise Linux", "9.3", "rhel", "fedora", "", 9, 3)),
    ],
)
def test_os_release(fixtures_dir: Path, name: str, expected: tuple[object, ...]) -> None:
    info = linux_host.read_os_info(fixtures_dir / "native" / "os-release" / name)
    got = (info.name, info.version, info.platform, info.platform_like, info.codename, info.major, info.minor)
    assert got == expected
    assert info.kernel_version and info.arch


def test_other_platforms_need_osquery(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="osquery is required on Windows"):
        NativeSource(state_dir=tmp_path, system="Windows").collect()


def test_no_package_database(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no package database"):
        NativeSource(state_dir=tmp_path, dpkg_status=tmp_path / "none", rpm_path="").collect()


def test_generated_host_id_is_kept(tmp_path: Path) -> None:
    missing = (tmp_path / "machine-id",)
    no_dmi = tmp_path / "product_uuid"
    first = linux_host.host_uuid(tmp_path / "state", missing, no_dmi)
    assert linux_host.host_uuid(tmp_path / "state", missing, no_dmi) == first
    stored = tmp_path / "state" / linux_host.HOST_ID_FILE
    assert stored.read_text().strip() == first
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


@pytest.mark.skipif(not Path("/etc/machine-id").is_file(), reason="no /etc/machine-id")
def test_machine_id_is_the_host_uuid_without_dmi(tmp_path: Path) -> None:
    no_dmi = tmp_path / "product_uuid"
    assert linux_host.host_uuid(tmp_path, dmi_path=no_dmi) == Path("/etc/machine-id").read_text().strip()
    assert not (tmp_path / linux_host.HOST_ID_FILE).exists()


def test_hardware_uuid_wins_so_osquery_and_native_agree(tmp_path: Path) -> None:
    dmi = tmp_path / "product_uuid"
    dmi.write_text("4c4c4544-0042-3510-8052-b7c04f4e3732\n")
    # osquery's system_info.uuid spells the same id in upper case.
    assert linux_host.host_uuid(tmp_path, dmi_path=dmi) == "4C4C4544-0042-3510-8052-B7C04F4E3732"
    for placeholder in ("00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "n/a"):
        dmi.write_text(placeholder)
        assert linux_host.dmi_uuid(dmi) == ""


def test_ip_json_skips_loopback() -> None:
    text = (
        '[{"ifname":"lo","flags":["LOOPBACK","UP"],"address":"00:00:00:00:00:00","addr_info":'
        '[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},'
        '{"ifname":"eth0","flags":["UP"],"address":"02:fc:00:00:00:01","addr_info":'
        '[{"family":"inet","local":"192.0.2.2","prefixlen":24},{"family":"inet6","local":"fd00::2","prefixlen":64}]}]'
    )
    assert linux_net.parse_ip_json(text) == [
        wire.Address("eth0", "192.0.2.2", "255.255.255.0", "02:fc:00:00:00:01"),
        wire.Address("eth0", "fd00::2", "ffff:ffff:ffff:ffff::", "02:fc:00:00:00:01"),
    ]


def test_kernel_addresses_agree_with_iproute2() -> None:
    kernel = {(a.interface, a.address) for a in linux_net.read_kernel_addresses()}
    assert all(a.interface != "lo" for a in linux_net.read_addresses())
    if shutil.which("ip"):
        # the ioctl fallback only sees each interface's primary IPv4 address
        assert kernel <= {(a.interface, a.address) for a in linux_net.read_addresses()}


def test_auto_falls_back_to_native_and_says_so(tmp_path: Path) -> None:
    source = pick_source(
        "auto", socket_path=str(tmp_path / "no.sock"), osqueryd_path=str(tmp_path / "no-osqueryd"), state_dir=tmp_path
    )
    snapshot, answered = collect(source)
    assert answered == "native"
    assert build_report(snapshot, answered).collector.source == "native"


def test_report_deduplicates_software() -> None:
    ssl = wire.Software("libssl3", "3.0.15-1", "deb", "amd64", source_package="openssl")
    snapshot = Snapshot(
        host=wire.HostInfo("u1", "pc1"),
        os=wire.OsInfo("Debian GNU/Linux", "12", "debian"),
        software=[ssl, ssl, wire.Software("libssl3", "3.0.15-1", "deb", "i386")],
    )
    report = build_report(snapshot, "native")
    assert [(s.name, s.arch) for s in report.software] == [("libssl3", "amd64"), ("libssl3", "i386")]
    assert report.collected_at.endswith("+00:00") and report.collector.version
