"""The distro release a host runs, as advisories name it: ``debian:12``,
``ubuntu:22.04``, ``rhel:9``. Windows and macOS hosts have none."""
from __future__ import annotations

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
