"""The ecosystems patchgap knows, one plain entry each: what an installed item
or an advisory's affected item of that ecosystem is, the version scheme its
versions follow (``server.versions``), how its match name is made, which
advisory items apply to it and whether its items name a distro release.

Everything that asks "is this a distro package?", "which scheme?", "which
items concern an installed Windows program?" reads it here, so a new
ecosystem is one entry, not an edit in every module that matches.
"""
from __future__ import annotations

from dataclasses import dataclass

# What an installed item of the ecosystem is.
DISTRO_PACKAGE = "distro package"  # deb, rpm, apk: installed from a release's repositories
INSTALLED_PROGRAM = "installed program"  # Windows programs, macOS apps, Homebrew, Chocolatey
LANGUAGE_PACKAGE = "language package"  # PyPI, npm
OS_BUILD = "OS build"  # the Windows build a host runs: no software row, decided per build

# How the match name of an item is made (``server.matching.identity``).
SOURCE_PACKAGE = "source package"  # the source package's name, lower case: advisories name sources
PEP503 = "PEP 503 name"
LOWER_CASE = "lower-case name"
PRODUCT_RULES = "product rules"  # display name -> vendor:product (server.matching.products)
BUILD_FAMILY = "build family"  # 10.0.19045, as the item's product already is


@dataclass(frozen=True)
class Ecosystem:
    name: str
    scheme: str  # a server.versions scheme
    kind: str
    match_rule: str
    # Affected-item ecosystems that apply to installed items of this one.
    matched_by: tuple[str, ...]
    # Items name the distro release they are for ("debian:12", "" = any).
    distro_release: bool = False
    # Hosts report items of it (not "generic": advisories only).
    installed: bool = True
    # Advisory entries may name a binary package instead of the source (server.matching.rpm_names).
    binary_names: bool = False
    # A national warning letter's row may name it (server.feeds.warning_columns).
    in_warnings: bool = True


WINDOWS_OS = "windows-os"
GENERIC = "generic"

# NOTE: the order is the one the warning template lists ecosystems in.
REGISTRY: tuple[Ecosystem, ...] = (
    Ecosystem("deb", "deb", DISTRO_PACKAGE, SOURCE_PACKAGE, ("deb",), distro_release=True),
    Ecosystem("rpm", "rpm", DISTRO_PACKAGE, SOURCE_PACKAGE, ("rpm",), distro_release=True, binary_names=True),
    Ecosystem("windows-program", "generic", INSTALLED_PROGRAM, PRODUCT_RULES, ("windows-program", GENERIC)),
    Ecosystem(WINDOWS_OS, "windows", OS_BUILD, BUILD_FAMILY, (WINDOWS_OS,), installed=False),
    Ecosystem("chocolatey", "generic", INSTALLED_PROGRAM, PRODUCT_RULES, ("chocolatey", GENERIC)),
    Ecosystem("macos-app", "macos", INSTALLED_PROGRAM, PRODUCT_RULES, ("macos-app", GENERIC)),
    Ecosystem("homebrew", "generic", INSTALLED_PROGRAM, PRODUCT_RULES, ("homebrew", GENERIC)),
    Ecosystem("pypi", "pep440", LANGUAGE_PACKAGE, PEP503, ("pypi",)),
    Ecosystem("npm", "semver", LANGUAGE_PACKAGE, LOWER_CASE, ("npm",)),
    # NVD CPEs and warning letters name a product on any platform.
    Ecosystem(GENERIC, "generic", INSTALLED_PROGRAM, PRODUCT_RULES, (GENERIC,), installed=False),
    # Alpine: no apk order in server.versions yet, so generic's.
    Ecosystem("apk", "generic", DISTRO_PACKAGE, SOURCE_PACKAGE, ("apk",), distro_release=True, in_warnings=False),
)
ECOSYSTEMS: dict[str, Ecosystem] = {e.name: e for e in REGISTRY}


def _named(*kinds: str) -> frozenset[str]:
    return frozenset(e.name for e in REGISTRY if e.kind in kinds)


DISTRO_PACKAGES = _named(DISTRO_PACKAGE)
PROGRAMS = _named(INSTALLED_PROGRAM)  # with "generic", the items that name any platform's program
INSTALLED_PROGRAMS = tuple(sorted(e.name for e in REGISTRY if e.kind == INSTALLED_PROGRAM and e.installed))
OS_BUILDS = _named(OS_BUILD)
BINARY_NAMED = frozenset(e.name for e in REGISTRY if e.binary_names)
IN_WARNINGS = tuple(e.name for e in REGISTRY if e.in_warnings)
# Ecosystem -> version scheme, for lookups and the SQL CASE that writes a finding's matcher.
SCHEMES: dict[str, str] = {e.name: e.scheme for e in REGISTRY}


def scheme_of(ecosystem: str) -> str:
    """The version scheme of an ecosystem; ``generic`` for one not listed."""
    found = ECOSYSTEMS.get(ecosystem)
    return found.scheme if found else "generic"


def affected_ecosystems_for(software_ecosystem: str) -> tuple[str, ...]:
    """Affected-item ecosystems that apply to installed items of this ecosystem."""
    found = ECOSYSTEMS.get(software_ecosystem)
    return found.matched_by if found else (software_ecosystem,)


def _software_ecosystems(affected: str) -> tuple[str, ...]:
    others = sorted(e.name for e in REGISTRY if affected in e.matched_by and e.name != affected)
    return (*others, affected)


_SOFTWARE_ECOSYSTEMS = {e.name: _software_ecosystems(e.name) for e in REGISTRY}


def software_ecosystems_for(affected_ecosystem: str) -> tuple[str, ...]:
    """Installed ecosystems an affected item of this ecosystem applies to."""
    return _SOFTWARE_ECOSYSTEMS.get(affected_ecosystem, (affected_ecosystem,))
