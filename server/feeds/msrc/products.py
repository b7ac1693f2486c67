"""MSRC product names -> patchgap identities, kept as data.

MSRC names products in prose ("Windows 10 Version 22H2 for x64-based
Systems"). Windows OS items get their build family from the FixedBuild
(``10.0.19045.4529`` -> ``10.0.19045``); the tables below are the fallback
when a fix has no FixedBuild, and the source of the ``distro`` label.
Extend the tables, not the code, when Microsoft ships a new release.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Client releases: version name -> build family. "" is the name without a version.
WINDOWS_CLIENT_BUILDS: dict[str, dict[str, str]] = {
    "7": {"": "6.1.7601"},
    "8.1": {"": "6.3.9600"},
    "rt 8.1": {"": "6.3.9600"},
    "10": {"": "10.0.10240", "1507": "10.0.10240", "1511": "10.0.10586",
           "1607": "10.0.14393", "1703": "10.0.15063", "1709": "10.0.16299",
           "1803": "10.0.17134", "1809": "10.0.17763", "1903": "10.0.18362",
           "1909": "10.0.18363", "2004": "10.0.19041", "20h2": "10.0.19042",
           "21h1": "10.0.19043", "21h2": "10.0.19044", "22h2": "10.0.19045"},
    "11": {"21h2": "10.0.22000", "22h2": "10.0.22621", "23h2": "10.0.22631",
           "24h2": "10.0.26100", "25h2": "10.0.26200"},
}
# NOTE: "Windows 10 for x64-based Systems" (no version) is the original 1507.
CLIENT_DEFAULT_VERSION = {"10": "1507"}

WINDOWS_SERVER_BUILDS: dict[str, str] = {
    "2008": "6.0.6003", "2008 r2": "6.1.7601", "2012": "6.2.9200", "2012 r2": "6.3.9600",
    "2016": "10.0.14393", "2019": "10.0.17763", "2022": "10.0.20348",
    "2022, 23h2 edition": "10.0.25398", "2025": "10.0.26100",
}
# Semi-annual "Windows Server, version 20H2" share the client builds.
SERVER_SEMI_ANNUAL = WINDOWS_CLIENT_BUILDS["10"]

ARCHITECTURES = {"x64": "x64", "arm64": "arm64", "32-bit": "x86", "x86": "x86",
                 "itanium": "ia64"}

# Non-OS names MSRC writes differently from the installed program's name.
PROGRAM_ALIASES = {"Microsoft Edge (Chromium-based)": "microsoft edge"}

# Libraries that live in a wire ecosystem rather than in Programs and Features.
LIBRARIES: dict[str, tuple[str, str]] = {
    "Azure Identity Library for Python": ("pypi", "azure-identity"),
    "Azure Identity Library for JavaScript": ("npm", "@azure/identity"),
    "Microsoft Authentication Library (MSAL) for Node.js": ("npm", "@azure/msal-node"),
    "Microsoft Authentication Library (MSAL) for Python": ("pypi", "msal"),
}

# NOTE: for MSI-installed Office 2010-2016 and SharePoint Server the FixedBuild
# is the version of a patched file or farm build; the installed program's
# DisplayVersion never moves (16.0.4266.1001), so a version comparison would
# flag every machine. The KB is the only evidence.
FILE_VERSION_PRODUCTS = re.compile(
    r"^microsoft (?:(?:office|outlook|word|excel|powerpoint|access|publisher|project|visio"
    r"|onenote) (?:2010|2013|2016)\b|sharepoint\b)")

# Platforms patchgap does not inventory: their items are left out.
NOT_INVENTORIED = re.compile(r"\bfor (android|ios|iphone|ipad)\b", re.IGNORECASE)

_CLIENT = re.compile(
    r"^windows (7|8\.1|rt 8\.1|10|11)(?: version (\w+))?"
    r"(?: for (x64|arm64|32-bit|x86|itanium)(?:-based)? systems)?(?: service pack (\d+))?")
_SERVER = re.compile(
    r"^windows server(?:, version (\w+)| (\d{4}(?: r2)?(?:, \w+ edition)?))"
    r"(?: for (x64|32-bit|x86|itanium)(?:-based)? systems)?(?: service pack (\d+))?")
_LINUX = re.compile(r"^(cbl mariner|azure linux) (\d+\.\d+)")
_STRIP = (
    re.compile(r"\s*\((?:32|64)-bit editions?\)"),
    re.compile(r"\s+for (?:32|64)-bit (?:editions|systems)"),
    re.compile(r"\s+for (?:x64|x86|arm64)-based systems"),
    re.compile(r"\s*\(includes [^)]*\)"),
)
_LINE = re.compile(r"\s+(?:version |v)(\d+(?:\.\d+)*)$")


@dataclass(frozen=True)
class WindowsName:
    """A Windows OS product: its build family (may be "") and distro label."""

    family: str
    distro: str


@dataclass(frozen=True)
class ProgramName:
    """A non-OS product: normalised name, and the release line it names, if any."""

    product: str
    line: str = ""


def _slug(*parts: str) -> str:
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^a-z0-9.]+", "-", text.lower().replace(" edition", "")).strip("-")


def windows_name(name: str) -> WindowsName | None:
    """``"Windows 10 Version 22H2 for x64-based Systems"`` ->
    ``WindowsName("10.0.19045", "windows-10-22h2-x64")``; not Windows -> ``None``."""
    text = " ".join(name.lower().split())
    match = _CLIENT.match(text)
    if match:
        release, version, arch, pack = match.groups()
        version = version or CLIENT_DEFAULT_VERSION.get(release, "")
        family = WINDOWS_CLIENT_BUILDS[release].get(version, "")
        return WindowsName(family, _slug("windows", release, version, pack and f"sp{pack}",
                                         ARCHITECTURES.get(arch or "", "")))
    match = _SERVER.match(text)
    if match:
        semi, year, arch, pack = match.groups()
        family = SERVER_SEMI_ANNUAL.get(semi, "") if semi else WINDOWS_SERVER_BUILDS.get(year, "")
        return WindowsName(family, _slug("windows-server", semi or year, pack and f"sp{pack}",
                                         ARCHITECTURES.get(arch or "", "")))
    return None


def linux_distro(name: str) -> str:
    """``"CBL Mariner 2.0 x64"`` -> ``"mariner:2"``; other names -> ``""``.

    # NOTE: the major only, as ``server.inventory.distro`` names the hosts
    # (os-release VERSION_ID "2.0" / "3.0"; each major is one rolling release)
    # and as MSRC's CSAF names the same products ("cbl2", "azl3")."""
    match = _LINUX.match(" ".join(name.lower().split()))
    if not match:
        return ""
    major = match.group(2).split(".", 1)[0]
    return f"{'mariner' if match.group(1) == 'cbl mariner' else 'azurelinux'}:{major}"


def program_name(name: str) -> ProgramName:
    """``"Microsoft Visual Studio 2022 version 17.10"`` ->
    ``ProgramName("microsoft visual studio 2022", "17.10")``."""
    if name in PROGRAM_ALIASES:
        return ProgramName(PROGRAM_ALIASES[name])
    text = " ".join(name.lower().split())
    for pattern in _STRIP:
        text = pattern.sub("", text)
    match = _LINE.search(text)
    if match:
        return ProgramName(text[: match.start()].strip(), match.group(1))
    return ProgramName(text.strip())
