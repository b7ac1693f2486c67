"""OsquerySource through the real osquery-python client against the stand-in:
the whole Snapshot of every scenario, compared field by field."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from collector.sources.interface import Snapshot
from collector.sources.osquery_source import OsquerySource
from collector.wire import Address, HostInfo, OsInfo, Patch, Software


def _collect(osquery_standin: Callable[..., str], scenario: str) -> tuple[Snapshot, list[str]]:  # noqa: F811
    source = OsquerySource(socket_path=osquery_standin(scenario))
    return source.collect(), source.warnings


def deb(name: str, version: str, source: str, arch: str = "amd64") -> Software:
    return Software(name, version, "deb", arch=arch, source_package=source)


def rpm(name: str, version: str, release: str, source: str, arch: str = "x86_64") -> Software:
    return Software(name, version, "rpm", arch=arch, vendor="Red Hat, Inc.", source_package=source, release=release)


def test_windows_10_22h2(osquery_standin) -> None:  # noqa: F811
    snapshot, warnings = _collect(osquery_standin, "windows")
    assert warnings == []
    assert snapshot.host == HostInfo(
        "4C4C4544-0042-3510-8052-B7C04F4E3732", "PC-ACC-017", "PC-ACC-017", "Dell Inc.", "OptiPlex 7060",
        "7B5RNP2", "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz", 17079205888)
    assert snapshot.os == OsInfo(
        "Microsoft Windows 10 Pro", "10.0.19045", "windows", "windows", "Microsoft Windows 10 Pro",
        major=10, minor=0, patch=0, build="10.0.19045.4291", arch="64-bit", kernel_version="10.0.19041.4291")
    pf = r"C:\Program Files"
    vc = "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130"
    choco = r"C:\ProgramData\chocolatey\lib"
    assert snapshot.software == [
        Software("chocolatey", "2.2.2", "chocolatey", vendor="Chocolatey Software, Inc.",
                 install_location=rf"{choco}\chocolatey"),
        Software("notepadplusplus.install", "8.6.4", "chocolatey", vendor="Don Ho",
                 install_location=rf"{choco}\notepadplusplus.install"),
        Software("7-Zip 23.01 (x64)", "23.01", "windows-program", vendor="Igor Pavlov",
                 install_location=pf + "\\7-Zip\\"),
        Software("Adobe Acrobat (64-bit)", "24.001.20643", "windows-program", vendor="Adobe",
                 install_location=pf + "\\Adobe\\Acrobat DC\\", identifier="{AC76BA86-1033-1033-7760-BC15014EA700}"),
        Software("Google Chrome", "123.0.6312.106", "windows-program", vendor="Google LLC",
                 install_location=rf"{pf}\Google\Chrome\Application",
                 identifier="{6B4A3A2E-8C1D-3F0A-9E5B-7D2C1A0F4B36}"),
        # listed twice by osquery (two registry views), once here
        Software(vc, "14.38.33130.0", "windows-program", vendor="Microsoft Corporation",
                 identifier="{4F1B5E5A-3C8A-4F2B-9C1D-2E7F6A5B8C90}"),
        Software("Mozilla Firefox (x64 en-US)", "124.0.2", "windows-program", vendor="Mozilla",
                 install_location=rf"{pf}\Mozilla Firefox"),
        Software("osquery", "5.12.1", "windows-program", vendor="osquery", install_location=pf + "\\osquery\\",
                 identifier="{A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D}"),
    ]
    assert snapshot.patches == [
        Patch("KB5011048", "", "Update"),
        Patch("KB5034441", "1/10/2024", "Security Update"),
        Patch("KB5036892", "4/10/2024", "Security Update"),
    ]
    # loopback dropped; the interface is the friendly name, not the index "12"
    assert snapshot.addresses == [
        Address("Ethernet", "10.20.30.41", "255.255.255.0", "00:1a:2b:3c:4d:5e"),
        Address("Ethernet", "fe80::5d1c:2a4b:91e3:7f10", "ffff:ffff:ffff:ffff::", "00:1a:2b:3c:4d:5e"),
    ]
    assert snapshot.osquery_version == "5.12.1"


def test_debian_12(osquery_standin) -> None:  # noqa: F811
    snapshot, warnings = _collect(osquery_standin, "debian")
    assert warnings == []
    assert snapshot.host.uuid == "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a93"
    assert snapshot.os == OsInfo("Debian GNU/Linux", "12 (bookworm)", "debian", "", "bookworm", 12, 0, 0, "",
                                 "x86_64", "6.1.0-18-amd64")
    # removed-with-config linux-image-6.1.0-17 is gone; held nginx stays
    assert snapshot.software == [
        deb("bash", "5.2.15-2+b2", "bash"),  # Source "bash (5.2.15-2)": binNMU
        deb("curl", "7.88.1-10+deb12u5", "curl"),
        deb("libc6", "2.36-9+deb12u4", "glibc"),
        deb("libcurl4", "7.88.1-10+deb12u5", "curl"),
        deb("libssl3", "3.0.11-1~deb12u2", "openssl"),
        deb("linux-image-6.1.0-18-amd64", "6.1.76-1", "linux-signed-amd64"),
        deb("nginx", "1.22.1-9", "nginx"),
        deb("openssl", "3.0.11-1~deb12u2", "openssl"),
        deb("tzdata", "2024a-0+deb12u1", "tzdata", arch="all"),
        deb("vim", "2:9.0.1378-2", "vim"),
    ]
    assert snapshot.patches == []
    assert snapshot.addresses == [
        Address("enp3s0", "192.168.10.57", "255.255.255.0", "00:e0:4c:68:1a:2b"),
        Address("enp3s0", "fe80::2e0:4cff:fe68:1a2b%enp3s0", "ffff:ffff:ffff:ffff::", "00:e0:4c:68:1a:2b"),
    ]


def test_ubuntu_22_04(osquery_standin) -> None:  # noqa: F811
    snapshot, warnings = _collect(osquery_standin, "ubuntu")
    assert warnings == []
    assert (snapshot.os.platform, snapshot.os.platform_like, snapshot.os.major, snapshot.os.minor) == (
        "ubuntu", "debian", 22, 4)
    assert snapshot.software == [
        deb("libssl3", "3.0.2-0ubuntu1.15", "openssl"),
        deb("openssh-server", "1:8.9p1-3ubuntu0.6", "openssh"),
        deb("sudo", "1.9.9-1ubuntu2.4", "sudo"),
    ]
    assert snapshot.osquery_version == "5.11.0"


def test_rhel_9_epochs(osquery_standin) -> None:  # noqa: F811
    snapshot, warnings = _collect(osquery_standin, "rhel")
    assert warnings == []
    assert snapshot.os == OsInfo("Red Hat Enterprise Linux", "Red Hat Enterprise Linux release 9.3 (Plow)", "rhel",
                                 "rhel", "", 9, 3, 0, "", "x86_64", "5.14.0-362.8.1.el9_3.x86_64")
    # epoch "1"/"2" shown, "" (NULL) and "0" omitted; gpg-pubkey is not software
    assert snapshot.software == [
        rpm("bash", "5.1.8-6.el9_1", "6.el9_1", "bash"),
        rpm("kernel", "5.14.0-284.30.1.el9_2", "284.30.1.el9_2", "kernel"),
        rpm("kernel", "5.14.0-362.8.1.el9_3", "362.8.1.el9_3", "kernel"),
        rpm("openssl", "1:3.0.7-24.el9", "24.el9", "openssl"),
        rpm("openssl-libs", "1:3.0.7-24.el9", "24.el9", "openssl"),
        rpm("tzdata", "2023c-1.el9", "1.el9", "tzdata", arch="noarch"),
        rpm("vim-minimal", "2:8.2.2637-20.el9_1", "20.el9_1", "vim"),
        rpm("zlib", "1.2.11-40.el9", "40.el9", "zlib"),
    ]
    assert snapshot.addresses == [Address("ens192", "10.0.5.12", "255.255.254.0", "00:50:56:a1:b2:c3")]


def test_macos_sonoma(osquery_standin) -> None:  # noqa: F811
    snapshot, warnings = _collect(osquery_standin, "macos")
    assert warnings == []
    assert snapshot.host.hardware_model == "MacBookPro18,3"  # trailing " \x00" stripped
    assert snapshot.os == OsInfo("macOS", "14.4.1", "darwin", "darwin", "Sonoma", 14, 4, 1, "23E224", "arm64", "23.4.0")
    assert snapshot.software == [
        Software("firefox", "124.0.2", "homebrew", install_location="/opt/homebrew/Caskroom/firefox/124.0.2"),
        Software("git", "2.44.0", "homebrew", install_location="/opt/homebrew/Cellar/git/2.44.0"),
        Software("openssl@3", "3.2.1", "homebrew", install_location="/opt/homebrew/Cellar/openssl@3/3.2.1"),
        Software("Google Chrome.app", "123.0.6312.122", "macos-app", install_location="/Applications/Google Chrome.app",
                 identifier="com.google.Chrome"),
        # no CFBundleShortVersionString: CFBundleVersion instead
        Software("Legacy Helper.app", "412", "macos-app", install_location="/Applications/Utilities/Legacy Helper.app",
                 identifier="com.example.legacyhelper"),
        Software("Safari.app", "17.4.1", "macos-app", install_location="/Applications/Safari.app",
                 identifier="com.apple.Safari"),
        Software("zoom.us.app", "5.17.11 (31580)", "macos-app", install_location="/Applications/zoom.us.app",
                 identifier="us.zoom.xos"),
    ]
    assert snapshot.addresses == [
        Address("en0", "192.168.1.23", "255.255.255.0", "a4:83:e7:12:34:56"),
        Address("en0", "fe80::14a3:9e2f:7c1d:5b42%en0", "ffff:ffff:ffff:ffff::", "a4:83:e7:12:34:56"),
    ]


@pytest.mark.parametrize("scenario", ["windows", "debian", "ubuntu", "rhel", "macos"])
def test_same_snapshot_without_shared_specs(osquery_standin, scenario: str) -> None:  # noqa: F811
    """The stand-in shaped by our own tables.json answers like the spec-built one."""
    with_specs, _ = _collect(osquery_standin, scenario)
    source = OsquerySource(socket_path=osquery_standin(scenario, specs_dir=None))
    assert source.collect() == with_specs
    assert source.warnings == []
