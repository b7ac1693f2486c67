"""The distro release a host runs, as advisories name it: ``debian:12``,
``ubuntu:22.04``, ``rhel:9``. Windows and macOS hosts have none.

An advisory applies to hosts of exactly the release it names; ``FAMILIES``
is the one, explicit, exception: family names such as ``el:9`` that an
advisory may use to cover RHEL 9 and its rebuilds at once. Enterprise Linux
hosts also have a minor release (``rhel:9.2``) that minor-release stream
items name.

The rule is written once, over the same data, as a Python predicate
(``applies_to``, for decisions made in Python) and as a SQL expression
(``distro_applies``, for the findings refresh); a test checks that they agree
on every combination of releases these tables name.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, or_

from collector.wire import OsInfo

# osquery's os_version.platform -> the distro prefix advisories use.
_MAJOR_ONLY = {
    "debian": "debian",
    "rhel": "rhel",
    "centos": "centos",
    "rocky": "rocky",
    "almalinux": "almalinux",
    "ol": "oracle",
    "amzn": "amazon",
    "fedora": "fedora",
    # NOTE: os-release ID (osquery's platform) is "mariner" for CBL-Mariner
    # 1.0/2.0 and "azurelinux" from Azure Linux 3.0; VERSION_ID is "2.0" / "3.0"
    # and each major is one rolling release, so MSRC's "CBL Mariner 2.0" and
    # "azl3" items name "mariner:2" and "azurelinux:3".
    "mariner": "mariner",
    "azurelinux": "azurelinux",
}
_MAJOR_MINOR = {"ubuntu": "ubuntu", "alpine": "alpine", "opensuse-leap": "opensuse", "sles": "sles"}


def distro_of(os: OsInfo) -> str:
    platform = os.platform.lower()
    if platform in _MAJOR_ONLY and os.major:
        return f"{_MAJOR_ONLY[platform]}:{os.major}"
    if platform in _MAJOR_MINOR and os.major:
        return f"{_MAJOR_MINOR[platform]}:{os.major}.{os.minor:02d}" if platform == "ubuntu" else (
            f"{_MAJOR_MINOR[platform]}:{os.major}.{os.minor}"
        )
    return ""


# Enterprise Linux hosts also have a minor release ("rhel:9.2"): Red Hat
# keeps fixing some minors for years (EUS, AUS, TUS, E4S streams), and an
# advisory item of such a stream names the minor (is_minor_stream).
_WITH_RELEASE = frozenset({"rhel", "centos", "rocky", "almalinux", "ol"})


def release_of(os: OsInfo) -> str:
    """``rhel:9.2`` for an Enterprise Linux host (os_version major.minor, as
    osquery reads os-release VERSION_ID or /etc/redhat-release), else ""."""
    platform = os.platform.lower()
    # Only when the version shows the minor: CentOS 7's VERSION_ID is "7", and
    # an unknown minor read as 0 would put the host on a 7.0 stream.
    shown = re.search(rf"(?<![\d.]){os.major}\.{os.minor}(?![\d])", os.version)
    if platform in _WITH_RELEASE and os.major and shown:
        return f"{_MAJOR_ONLY[platform]}:{os.major}.{os.minor}"
    return ""


# NOTE: advisories name one release ("rhel:9") and apply to that release only:
# Rocky and Alma publish their own errata (OSV "Rocky Linux:9" -> "rocky:9"),
# and a RHEL fix is not proof that the rebuild shipped it. An advisory that
# means the whole Enterprise Linux family says so by naming the family, e.g.
# a warning letter row with distro "el:9"; only then does it cover these.
FAMILIES: dict[str, tuple[str, ...]] = {
    f"el:{major}": (f"rhel:{major}", f"rocky:{major}", f"almalinux:{major}", f"centos:{major}", f"oracle:{major}")
    for major in (7, 8, 9, 10)
}
# A Red Hat layered product whose documents name no RHEL major (Software
# Collections: "cpe:/a:redhat:rhel_software_collections:3") concerns its
# packages on any RHEL release; their names are the product's own (rh-redis6-*).
FAMILIES["rhel"] = tuple(f"rhel:{major}" for major in (5, 6, 7, 8, 9, 10))


def applies_to(advisory_distro: str, host_distro: str, host_release: str = "") -> bool:
    """Whether an advisory item for ``advisory_distro`` ("" = any) concerns a
    host of ``host_distro``: the same release, or a family naming it, or the
    host's minor release (``rhel:9.2``, an EUS/AUS/TUS/E4S stream)."""
    if not advisory_distro or advisory_distro in (host_distro, host_release):
        return True
    return host_distro in FAMILIES.get(advisory_distro, ())


def distro_applies(affected_distro: Any, host_distro: Any, host_release: Any) -> Any:
    """``applies_to`` as a SQL condition over three columns or expressions."""
    return or_(
        affected_distro == "",
        affected_distro == host_distro,
        affected_distro == host_release,
        *(and_(affected_distro == family, host_distro.in_(members)) for family, members in FAMILIES.items()),
    )


def families_naming(distro: str) -> list[str]:
    """The family names (``el:9``) whose advisories cover a host of ``distro``."""
    return [family for family, members in FAMILIES.items() if distro in members]


# A release that names a minor ("rhel:9.2"): the item of a minor-release
# stream (EUS, AUS, TUS, E4S), or an Enterprise Linux host's release.
_MINOR_RELEASE = re.compile(r"^[a-z]+:\d+\.\d+$")


def is_minor_stream(distro: str) -> bool:
    return bool(_MINOR_RELEASE.match(distro)) and not distro.startswith(("ubuntu:", "sles:", "opensuse:", "alpine:"))


def stream_pair(one: str, other: str) -> bool:
    """Whether one release is a minor-release stream of the other's major
    (``rhel:9.2`` and ``rhel:9``, either way round)."""
    return (is_minor_stream(one) and one.rsplit(".", 1)[0] == other) or (
        is_minor_stream(other) and other.rsplit(".", 1)[0] == one)
