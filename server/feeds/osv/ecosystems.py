"""OSV ecosystem strings -> patchgap ecosystem, vers scheme and distro release.

The distro strings follow :mod:`server.inventory.distro`, which names a host's
release the same way (``debian:12``, ``ubuntu:22.04``, ``rhel:9``,
``alpine:3.18``, ``opensuse:15.5``, ``sles:15.5``, ``azurelinux:3``), so the
matcher compares plain strings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from server.feeds.csaf.identity import distro_from_cpe, is_rhel_layered, named_cpe, rhel_major_of_layered
from server.identifiers import parse_purl


@dataclass(frozen=True)
class Target:
    """Where an OSV package lands in patchgap."""

    ecosystem: str  # deb | rpm | apk | pypi | npm
    scheme: str  # vers versioning scheme
    distro: str = ""


# OSV ecosystem name (before the first ':') -> (our ecosystem, vers scheme).
_BASE = {
    "Debian": ("deb", "deb"),
    "Ubuntu": ("deb", "deb"),
    "AlmaLinux": ("rpm", "rpm"),
    "Rocky Linux": ("rpm", "rpm"),
    "Red Hat": ("rpm", "rpm"),
    "SUSE": ("rpm", "rpm"),
    "openSUSE": ("rpm", "rpm"),
    "Alpine": ("apk", "alpine"),
    "Azure Linux": ("rpm", "rpm"),
    "PyPI": ("pypi", "pypi"),
    "npm": ("npm", "npm"),
}
_SLES = re.compile(
    r"^(?:SUSE )?Linux Enterprise (?:Server|Module for [\w .-]+?) (\d+)(?: SP(\d+))?$"
)
_UBUNTU_RELEASE = re.compile(r"^\d{2}\.\d{2}$")


def resolve(osv_ecosystem: str, purl: str = "") -> Target | None:
    """The target of an OSV ``package.ecosystem`` string; ``None`` when the
    ecosystem is not one patchgap inventories."""
    name, _, release = osv_ecosystem.partition(":")
    if name not in _BASE:
        return None
    ecosystem, scheme = _BASE[name]
    return Target(ecosystem, scheme, _distro(name, release.strip(), purl))


def _distro(name: str, release: str, purl: str) -> str:
    if not release:
        return ""
    if name == "Debian":
        # NOTE: releases before 7 are numbered "6.0", "5.0"; hosts report the major.
        return "debian:" + re.sub(r"^(\d+)\.0$", r"\1", release)
    if name == "Ubuntu":
        # "22.04:LTS", "Pro:18.04:LTS", "Pro:FIPS-updates:20.04:LTS", "24.10"
        parts = release.split(":")
        found = [p for p in parts if _UBUNTU_RELEASE.match(p)]
        return "ubuntu:" + (found[0] if found else _slug(release))
    if name == "AlmaLinux":
        return "almalinux:" + release
    if name == "Rocky Linux":
        return "rocky:" + release + _rocky_sig(purl)
    if name == "Red Hat":
        return _redhat(release)
    if name == "Alpine":
        return "alpine:" + release.removeprefix("v")
    if name == "Azure Linux":
        # NOTE: Azure Linux is CBL-Mariner renamed at 3.0; hosts of 2.0 and
        # before still report os-release ID=mariner (server.inventory.distro).
        major = release.split(".", 1)[0]
        return f"azurelinux:{major}" if not major.isdigit() or int(major) >= 3 else f"mariner:{major}"
    if name == "openSUSE":
        leap = re.fullmatch(r"Leap (\d+\.\d+)", release)
        return "opensuse:" + (leap.group(1) if leap else _slug(release))
    if name == "SUSE":
        # NOTE: SUSE names products by marketing name; server and module
        # streams install on SLES, whose hosts report "sles:15.5".
        sles = _SLES.match(release)
        if sles:
            return f"sles:{sles.group(1)}.{sles.group(2) or 0}"
        return "suse:" + _slug(release)
    return ""


def _redhat(release: str) -> str:
    # The release is a Red Hat CPE without its "cpe:/a:redhat:" head:
    # "enterprise_linux:9::appstream" (mainline), "rhel_eus:9.2::baseos" (a
    # minor-release stream), "openshift:4.14::el9" (a layered product on RHEL
    # 9). Read as the CSAF feed reads the same CPEs.
    cpe = named_cpe(f"cpe:/a:redhat:{release}")
    if cpe is None:
        return "redhat:" + _slug(release)
    if is_rhel_layered(cpe):
        return rhel_major_of_layered(f"cpe:/a:redhat:{release}", "", "")[0]
    return distro_from_cpe(cpe)


def _rocky_sig(purl: str) -> str:
    # NOTE: RXSA advisories fix Rocky SIG builds (e.g. the sig-cloud kernel,
    # "...el8_7.cloud"); only the purl's distro qualifier says so. Scope them
    # apart, or every plain Rocky host would look unpatched.
    parsed = parse_purl(purl) if purl else None
    qualifier = parsed.qualifiers.get("distro", "") if parsed else ""
    sig = re.search(r"-(sig-[\w.-]+)$", qualifier)
    return f"-{sig.group(1)}" if sig else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")
