"""Row -> wire mapping on plain dicts, including osquery rows recorded by others."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from collector.errors import SourceFailed
from collector.sources import osquery_rows as rows
from collector.wire import Address, HostInfo
from queries.loader import load_queries


@pytest.mark.parametrize(("row", "expected"), [
    ({"name": "openssl", "version": "3.0.7", "release": "24.el9", "epoch": "1"}, "1:3.0.7-24.el9"),
    ({"name": "bash", "version": "5.1.8", "release": "6.el9_1", "epoch": ""}, "5.1.8-6.el9_1"),
    ({"name": "zlib", "version": "1.2.11", "release": "40.el9", "epoch": "0"}, "1.2.11-40.el9"),
    ({"name": "odd", "version": "1.0", "release": ""}, "1.0"),
])
def test_rpm_version_is_epoch_version_release(row: dict[str, str], expected: str) -> None:
    assert rows.rpm_version(row) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("", "bash"), ("bash (5.2.15-2)", "bash"), ("openssl", "openssl"),
    ("linux-signed-amd64 (6.1.76+1)", "linux-signed-amd64"),
])
def test_deb_source_package(source: str, expected: str) -> None:
    assert rows.deb_source({"name": "bash", "source": source}) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("openssl-3.0.7-24.el9.src.rpm", "openssl"), ("vim-8.2.2637-20.el9_1.src.rpm", "vim"),
    ("kernel-5.14.0-362.8.1.el9_3.nosrc.rpm", "kernel"), ("", ""), ("garbage", ""),
])
def test_rpm_source_package(source: str, expected: str) -> None:
    assert rows.rpm_source({"source": source}) == expected


def test_windows_build_with_and_without_ubr() -> None:
    assert rows.windows_build({"major": "10", "minor": "0", "build": "22631", "revision": "3447"}) == "10.0.22631.3447"
    assert rows.windows_build({"major": "10", "minor": "0", "build": "22631", "revision": ""}) == "10.0.22631"
    assert rows.windows_build({"major": "10", "minor": "0", "build": "22631"}) == "10.0.22631"
    # osquery < 5.12: the registry's UBR; os_version's revision wins where both are known.
    assert rows.windows_build({"major": "10", "minor": "0", "build": "22631"}, "3447") == "10.0.22631.3447"
    assert rows.windows_build({"major": "10", "minor": "0", "build": "22631", "revision": "3447"}, "1") == \
        "10.0.22631.3447"
    assert rows.windows_build({"major": "10", "minor": "0", "build": "22631"}, "0x0d77") == "10.0.22631"


@pytest.mark.parametrize(("name", "build", "expected"), [
    ("Microsoft Windows 10 Pro", "10.0.22631.4460", "Microsoft Windows 11 Pro"),  # registry ProductName on 11
    ("Microsoft Windows 10 Pro", "10.0.22000", "Microsoft Windows 11 Pro"),
    ("Microsoft Windows 10 Pro", "10.0.19045.5131", "Microsoft Windows 10 Pro"),
    ("Microsoft Windows 11 Pro", "10.0.26100.2314", "Microsoft Windows 11 Pro"),
    ("Microsoft Windows Server 2022 Standard", "10.0.20348.2849", "Microsoft Windows Server 2022 Standard"),
    ("Microsoft Windows 10 Pro", "10.0", "Microsoft Windows 10 Pro"),  # no build: left as said
])
def test_windows_11_is_told_from_10_by_its_build(name: str, build: str, expected: str) -> None:
    major, minor, number, *revision = (build.split(".") + [""])[:4]
    os_row = {"name": name, "platform": "windows", "major": major, "minor": minor, "build": number,
              "revision": revision[0] if revision else ""}
    assert rows.os_info(os_row, "windows").name == expected


def test_platform_from_os_version_then_build_platform() -> None:
    assert rows.host_platform({"platform": "windows"}, {}) == "windows"
    assert rows.host_platform({"platform": "ubuntu"}, {"build_platform": "linux"}) == "linux"
    assert rows.host_platform({"platform": ""}, {"build_platform": "darwin"}) == "darwin"


def test_host_uuid_falls_back_to_osquery_and_is_required() -> None:
    assert rows.host_info({"hostname": "a"}, {"uuid": "U-1"}).uuid == "U-1"
    with pytest.raises(SourceFailed, match="no system uuid"):
        rows.host_info({"hostname": "a"}, {})


def test_addresses_drop_loopback_and_null_mac() -> None:
    found = rows.addresses([
        {"interface": "lo", "address": "127.0.0.1", "mask": "255.0.0.0", "mac": "00:00:00:00:00:00"},
        {"interface": "tun0", "address": "10.8.0.2", "mask": "255.255.255.0", "mac": "00:00:00:00:00:00"},
        {"interface": "tun0", "address": "10.8.0.2", "mask": "255.255.255.0", "mac": "00:00:00:00:00:00"},
    ])
    assert found == [Address("tun0", "10.8.0.2", "255.255.255.0", "")]


def test_every_query_has_a_mapping() -> None:
    handled = set(rows.SOFTWARE_MAPPERS) | set(rows.OTHER_QUERIES)
    assert {query.name for query in load_queries()} == handled


def _sample(shared_dir: Path, name: str) -> dict:
    return json.loads((shared_dir / "osquery" / "samples" / name).read_text(encoding="utf-8"))


def test_recorded_os_version_rows(shared_dir: Path) -> None:
    recorded = _sample(shared_dir, "os_version_fleet_queries_test.json")["rows"]
    win11 = rows.os_info(recorded["windows_11_21h2"], "windows")
    assert (win11.build, win11.version, win11.patch) == ("10.0.22000", "10.0.22000", 0)  # pre-5.12: no UBR
    ubuntu = rows.os_info(recorded["ubuntu_18_04"], "linux")
    assert (ubuntu.major, ubuntu.minor, ubuntu.platform_like, ubuntu.build) == (18, 4, "debian", "")
    centos = _sample(shared_dir, "rhel_centos_os_version_issues.json")["rows"]["centos_6_8_osquery_2_3"]
    assert rows.os_info(centos, "linux").platform == "linux"  # osquery 2.3 left platform empty


def test_recorded_system_info_rows(shared_dir: Path) -> None:
    windows = _sample(shared_dir, "windows_system_info_osquery-python_issue91.json")["partial_row"]
    host = rows.host_info(windows, {"uuid": "from-osquery-info"})  # the recorded row is cut before uuid
    assert host == HostInfo("from-osquery-info", "DESKTOP-U465U82", "DESKTOP-U465U82", "ASUSTeK COMPUTER INC.",
                            "UX330CAK", "<redacted>", "Intel(R) Core(TM) m3-7Y30 CPU @ 1.00GHz", 8589934592)
    mac = next(r for r in _sample(shared_dir, "debian10_macos_zentral_inventory.json")["rows"]
               if r["table_name"] == "system_info")
    assert rows.host_info(mac, {"uuid": "u"}).hardware_model == "MacBookPro5,1"  # " \x00" quirk


def test_recorded_deb_versions_pass_through(shared_dir: Path) -> None:
    """dpkg versions (epochs, ~, +dfsg, ubuntu suffixes) are kept exactly."""
    recorded = _sample(shared_dir, "ubuntu2204_software_name_version_fleet.json")["rows"]
    mapped = rows.software({"deb_packages": [dict(r, arch="amd64") for r in recorded]})
    assert {(s.name, s.version) for s in mapped} == {(r["name"], r["version"]) for r in recorded}
    assert ("fonts-opensymbol", "2:102.12+LibO7.3.2-0ubuntu2") in {(s.name, s.version) for s in mapped}
