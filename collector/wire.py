"""The report a collector sends and the enrollment exchange: THE wire format.

Standard-library types only, so every PC can import it without the server's
dependencies. The server validates exactly these dataclasses (pydantic
``TypeAdapter``); there is no second copy of the schema.

HTTP contract (server/api):

- ``POST /api/v1/enroll``  body :class:`EnrollRequest` -> :class:`EnrollResponse`
- ``POST /api/v1/report``  header ``Authorization: Bearer <node_key>``,
  body :class:`Report` as JSON, optionally ``Content-Encoding: gzip``
  -> :class:`ReportAccepted`
- ``GET /api/v1/health``   -> ``{"status": "ok", "wire_version": N}``

Version strings are stored as the package manager prints them, in one
canonical form per ecosystem so the matcher never has to guess:

- ``deb``: ``[epoch:]upstream[-revision]`` as ``dpkg-query -W`` shows it
- ``rpm``: ``[epoch:]version-release`` (epoch omitted when empty or 0)
- ``windows-program``, ``chocolatey``, ``macos-app``, ``homebrew``: as reported
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

WIRE_VERSION = 1

# Ecosystem names used on the wire and in advisories.
ECOSYSTEMS = (
    "deb",
    "rpm",
    "windows-program",
    "chocolatey",
    "macos-app",
    "homebrew",
    "pypi",
    "npm",
)


@dataclass(frozen=True)
class HostInfo:
    """Who the machine is. ``uuid`` is its stable identity (osquery system_info.uuid
    or /etc/machine-id); ``hostname`` is for people."""

    uuid: str
    hostname: str
    computer_name: str = ""
    hardware_vendor: str = ""
    hardware_model: str = ""
    hardware_serial: str = ""
    cpu_brand: str = ""
    physical_memory: int = 0


@dataclass(frozen=True)
class OsInfo:
    """The operating system. ``platform`` is osquery's (windows, darwin, ubuntu,
    debian, rhel, ...); ``build`` on Windows is the full ``10.0.BUILD.UBR``."""

    name: str
    version: str
    platform: str
    platform_like: str = ""
    codename: str = ""
    major: int = 0
    minor: int = 0
    patch: int = 0
    build: str = ""
    arch: str = ""
    kernel_version: str = ""


@dataclass(frozen=True)
class Software:
    """One installed item. ``source_package`` is the deb source package or the
    rpm source rpm name: distro advisories name those, not binary packages."""

    name: str
    version: str
    ecosystem: str
    arch: str = ""
    vendor: str = ""
    source_package: str = ""
    release: str = ""
    install_location: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class Patch:
    """An installed Windows hotfix (``KB5034441``)."""

    hotfix_id: str
    installed_on: str = ""
    description: str = ""


@dataclass(frozen=True)
class Address:
    """One address on one interface."""

    interface: str
    address: str
    mask: str = ""
    mac: str = ""


@dataclass(frozen=True)
class CollectorInfo:
    version: str
    source: str  # "osquery" or "native"
    osquery_version: str = ""


@dataclass(frozen=True)
class Report:
    host: HostInfo
    os: OsInfo
    collector: CollectorInfo
    collected_at: str  # ISO 8601 with zone, UTC
    software: list[Software] = field(default_factory=list)
    patches: list[Patch] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    wire_version: int = WIRE_VERSION


@dataclass(frozen=True)
class EnrollRequest:
    enroll_secret: str
    host_uuid: str
    hostname: str
    wire_version: int = WIRE_VERSION


@dataclass(frozen=True)
class EnrollResponse:
    node_key: str
    host_id: int
    unit: str


@dataclass(frozen=True)
class ReportAccepted:
    host_id: int
    software_added: int
    software_removed: int
    findings_open: int


def to_dict(value: Any) -> dict[str, Any]:
    """A wire dataclass as plain JSON-ready data."""
    return dataclasses.asdict(value)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON for a wire dataclass."""
    return json.dumps(to_dict(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild a :class:`Report` from :func:`to_dict` output (collector side:
    the spool). The server validates with pydantic instead."""
    return Report(
        host=HostInfo(**data["host"]),
        os=OsInfo(**data["os"]),
        collector=CollectorInfo(**data["collector"]),
        collected_at=data["collected_at"],
        software=[Software(**s) for s in data.get("software", [])],
        patches=[Patch(**p) for p in data.get("patches", [])],
        addresses=[Address(**a) for a in data.get("addresses", [])],
        wire_version=data.get("wire_version", WIRE_VERSION),
    )
