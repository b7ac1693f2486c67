"""osquery result rows (plain ``dict[str, str]``) -> wire types.

Kept apart from the Thrift plumbing so every rule can be tested on dicts.
Versions follow the canonical forms in :mod:`collector.wire`: deb as dpkg
prints it, rpm ``[epoch:]version-release``, everything else as reported.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping

from collector import wire
from collector.errors import SourceFailed
from collector.sources.interface import Snapshot

Row = Mapping[str, str]
Results = Mapping[str, list[dict[str, str]]]  # query name -> rows


def text(row: Row, key: str) -> str:
    # NOTE: osquery passes some SMBIOS strings through raw, e.g. Zentral's
    # recorded hardware_model "MacBookPro5,1 \x00": trailing padding goes.
    return (row.get(key) or "").strip().rstrip("\x00").strip()


def integer(row: Row, key: str) -> int:
    """osquery sends numbers as strings and NULL as ""; unparsable -> 0."""
    try:
        return int(text(row, key))
    except ValueError:
        return 0


def host_platform(os_row: Row, info_row: Row) -> str:
    """windows, darwin or linux: which queries apply to this host."""
    for value in (text(os_row, "platform"), text(info_row, "build_platform")):
        if value in ("windows", "darwin"):
            return value
    return "linux"


def host_info(system: Row, info: Row) -> wire.HostInfo:
    # osquery itself falls back to its own instance uuid when SMBIOS has none.
    uuid = text(system, "uuid") or text(info, "uuid")
    if not uuid:
        raise SourceFailed.of("osquery_no_uuid")
    return wire.HostInfo(
        uuid=uuid,
        hostname=text(system, "hostname"),
        computer_name=text(system, "computer_name"),
        hardware_vendor=text(system, "hardware_vendor"),
        hardware_model=text(system, "hardware_model"),
        hardware_serial=text(system, "hardware_serial"),
        cpu_brand=text(system, "cpu_brand"),
        physical_memory=integer(system, "physical_memory"),
    )


def windows_build(row: Row, registry_ubr: str = "") -> str:
    """``10.0.BUILD.UBR`` from os_version major/minor/build + revision.
    Without ``revision`` (osquery < 5.12, or NULL) the UBR comes from the
    registry (``windows_ubr``); without either it is left off: the matcher
    then knows only the feature release, not the patch level."""
    parts = [text(row, "major") or "0", text(row, "minor") or "0", text(row, "build")]
    revision = text(row, "revision") or (registry_ubr if registry_ubr.isdigit() else "")
    if revision:
        parts.append(revision)
    return ".".join(parts)


# Windows 11 kept version 10.0 and some sources still call it "Windows 10"
# (the registry's ProductName, which older osquery and tools read): its
# builds start at 22000, and the build is what tells.
FIRST_WINDOWS_11_BUILD = 22000


def windows_name(name: str, build: str) -> str:
    """``name`` with "Windows 10" read as "Windows 11" when the build says so."""
    number = build.split(".")[2] if build.count(".") >= 2 else ""
    if "Windows 10" in name and number.isdigit() and int(number) >= FIRST_WINDOWS_11_BUILD:
        return name.replace("Windows 10", "Windows 11", 1)
    return name


def os_info(os_row: Row, platform: str, build_row: Row | None = None, kernel_version: str = "",
            registry_ubr: str = "") -> wire.OsInfo:
    build, name = text(os_row, "build"), text(os_row, "name")
    if platform == "windows":
        build = windows_build(build_row if build_row is not None else os_row, registry_ubr)
        name = windows_name(name, build)
    return wire.OsInfo(
        name=name,
        version=text(os_row, "version"),
        platform=text(os_row, "platform") or platform,
        platform_like=text(os_row, "platform_like"),
        codename=text(os_row, "codename"),
        major=integer(os_row, "major"),
        minor=integer(os_row, "minor"),
        patch=integer(os_row, "patch"),
        build=build,
        arch=text(os_row, "arch"),
        kernel_version=kernel_version,
    )


def deb_source(row: Row) -> str:
    """dpkg's Source field is "name" or "name (version)" for binNMUs and
    version-skewed binaries; empty means the source is named like the binary."""
    source = re.sub(r"\s*\(.*\)\s*$", "", text(row, "source"))
    return source or text(row, "name")


def rpm_source(row: Row) -> str:
    """The source package name from a source rpm file name (N-V-R.src.rpm)."""
    source = re.sub(r"\.(no)?src\.rpm$", "", text(row, "source"))
    parts = source.rsplit("-", 2)
    return parts[0] if len(parts) == 3 else ""


def rpm_version(row: Row) -> str:
    epoch = text(row, "epoch")
    version = f"{text(row, 'version')}-{text(row, 'release')}" if text(row, "release") else text(row, "version")
    return f"{epoch}:{version}" if epoch not in ("", "0") else version


def _deb(row: Row) -> wire.Software:
    return wire.Software(name=text(row, "name"), version=text(row, "version"), ecosystem="deb",
                         arch=text(row, "arch"), source_package=deb_source(row))


def _rpm(row: Row) -> wire.Software:
    arch = text(row, "arch")
    return wire.Software(name=text(row, "name"), version=rpm_version(row), ecosystem="rpm",
                         arch="" if arch == "(none)" else arch, vendor=text(row, "vendor"),
                         source_package=rpm_source(row), release=text(row, "release"))


def _program(row: Row) -> wire.Software:
    return wire.Software(name=text(row, "name"), version=text(row, "version"), ecosystem="windows-program",
                         vendor=text(row, "publisher"), install_location=text(row, "install_location"),
                         identifier=text(row, "identifying_number"))


def _chocolatey(row: Row) -> wire.Software:
    return wire.Software(name=text(row, "name"), version=text(row, "version"), ecosystem="chocolatey",
                         vendor=text(row, "author"), install_location=text(row, "path"))


def _app(row: Row) -> wire.Software:
    # CFBundleShortVersionString is the version people and advisories use;
    # some bundles only carry CFBundleVersion.
    version = text(row, "bundle_short_version") or text(row, "bundle_version")
    return wire.Software(name=text(row, "name"), version=version, ecosystem="macos-app",
                         install_location=text(row, "path"), identifier=text(row, "bundle_identifier"))


def _homebrew(row: Row) -> wire.Software:
    return wire.Software(name=text(row, "name"), version=text(row, "version"), ecosystem="homebrew",
                         install_location=text(row, "path"))


SOFTWARE_MAPPERS: dict[str, Callable[[Row], wire.Software]] = {
    "deb_packages": _deb,
    "rpm_packages": _rpm,
    "programs": _program,
    "chocolatey_packages": _chocolatey,
    "apps": _app,
    "homebrew_packages": _homebrew,
}
ADDRESS_QUERIES = ("interface_addresses", "interface_addresses_windows")
#: queries whose rows are read by build_snapshot itself rather than a mapper
OTHER_QUERIES = ("os_version", "windows_build", "windows_ubr", "osquery_info", "system_info", "kernel_info",
                 "patches", *ADDRESS_QUERIES)


def software(results: Results) -> list[wire.Software]:
    items = {mapper(row) for name, mapper in SOFTWARE_MAPPERS.items() for row in results.get(name, [])}
    return sorted((s for s in items if s.name), key=lambda s: (s.ecosystem, s.name.lower(), s.version, s.arch))


def patches(rows: list[dict[str, str]]) -> list[wire.Patch]:
    found = {wire.Patch(text(r, "hotfix_id"), text(r, "installed_on"), text(r, "description")) for r in rows}
    return sorted((p for p in found if p.hotfix_id), key=lambda p: p.hotfix_id)


def addresses(rows: list[dict[str, str]]) -> list[wire.Address]:
    found = set()
    for row in rows:
        address = text(row, "address")
        try:
            if ipaddress.ip_address(address.split("%")[0]).is_loopback:
                continue  # the same on every host: noise for matching
        except ValueError:
            pass  # keep what we cannot parse: osquery reported it
        mac = text(row, "mac")
        found.add(wire.Address(text(row, "interface"), address, text(row, "mask"),
                               "" if mac == "00:00:00:00:00:00" else mac))
    return sorted(found, key=lambda a: (a.interface, a.address))


def _first(results: Results, name: str) -> dict[str, str]:
    return (results.get(name) or [{}])[0]


def build_snapshot(results: Results) -> Snapshot:
    """All rows of one collection run -> a Snapshot."""
    os_row, info = _first(results, "os_version"), _first(results, "osquery_info")
    platform = host_platform(os_row, info)
    build_row = results["windows_build"][0] if results.get("windows_build") else None  # None: no UBR
    return Snapshot(
        host=host_info(_first(results, "system_info"), info),
        os=os_info(os_row, platform, build_row, text(_first(results, "kernel_info"), "version"),
                   text(_first(results, "windows_ubr"), "ubr")),
        software=software(results),
        patches=patches(results.get("patches", [])),
        addresses=addresses([row for name in ADDRESS_QUERIES for row in results.get(name, [])]),
        osquery_version=text(info, "version"),
    )
