"""The report a collector sends, the enrollment exchange and the triage snapshot: THE wire format.

Standard-library types only, so every PC can import it without the server's
dependencies. The server validates exactly these dataclasses (pydantic
``TypeAdapter``); there is no second copy of the schema.

HTTP contract (server/api):

- ``POST /api/v1/enroll``  body :class:`EnrollRequest` -> :class:`EnrollResponse`
  (200 enrolled, or 202 pending an admin's approval; 429 with Retry-After
  when throttled)
- ``POST /api/v1/report``  header ``Authorization: Bearer <node_key>``,
  body :class:`Report` as JSON, optionally ``Content-Encoding: gzip``
  -> :class:`ReportAccepted` (423 while the key's enrollment is pending)
- ``POST /api/v1/report/delta``  same headers, body :class:`ReportDelta`: what
  changed since the accepted report ``base_report_id`` (empty lists and no
  sections: a heartbeat) -> :class:`ReportAccepted`, the same answer as for
  the full report it amounts to; 409 with ``type`` :data:`FULL_REPORT_REQUIRED`
  when the server's last report of this host is another one: send the full
  report at once. A server without this path answers 404.
- ``POST /api/v1/triage``  same headers, body :class:`TriageUpload` (at most
  ``MAX_TRIAGE_BYTES``) -> :class:`TriageStored`; 409 unless the server asked
  this host for one (``ReportAccepted.triage_requested``)

Every text and list carries its limit in its field's metadata
(:mod:`collector.limits`); the server refuses what exceeds one.
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

from collector import limits as L
from collector.limits import cells, integer, items, text

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

    uuid: str = field(metadata=text(L.UUID))
    hostname: str = field(metadata=text(L.HOSTNAME))
    computer_name: str = field(default="", metadata=text(L.HOSTNAME))
    hardware_vendor: str = field(default="", metadata=text(L.HARDWARE_PART))
    hardware_model: str = field(default="", metadata=text(L.HARDWARE_PART))
    hardware_serial: str = field(default="", metadata=text(L.OTHER_TEXT))
    cpu_brand: str = field(default="", metadata=text(L.OTHER_TEXT))
    physical_memory: int = field(default=0, metadata=integer())


@dataclass(frozen=True)
class OsInfo:
    """The operating system. ``platform`` is osquery's (windows, darwin, ubuntu,
    debian, rhel, ...); ``build`` on Windows is the full ``10.0.BUILD.UBR``."""

    name: str = field(metadata=text(L.OS_NAME))
    version: str = field(metadata=text(L.OS_VERSION))
    platform: str = field(metadata=text(L.PLATFORM))
    platform_like: str = field(default="", metadata=text(L.PLATFORM_LIKE))
    codename: str = field(default="", metadata=text(L.CODENAME))
    major: int = field(default=0, metadata=integer())
    minor: int = field(default=0, metadata=integer())
    patch: int = field(default=0, metadata=integer())
    build: str = field(default="", metadata=text(L.OS_BUILD))
    arch: str = field(default="", metadata=text(L.ARCH))
    kernel_version: str = field(default="", metadata=text(L.OTHER_TEXT))


@dataclass(frozen=True)
class Software:
    """One installed item. ``source_package`` is the deb source package or the
    rpm source rpm name: distro advisories name those, not binary packages."""

    name: str = field(metadata=text(L.SOFTWARE_NAME))
    version: str = field(metadata=text(L.VERSION))
    ecosystem: str = field(metadata=text(L.ECOSYSTEM))
    arch: str = field(default="", metadata=text(L.ARCH))
    vendor: str = field(default="", metadata=text(L.VENDOR))
    source_package: str = field(default="", metadata=text(L.SOURCE_PACKAGE))
    release: str = field(default="", metadata=text(L.RELEASE))
    install_location: str = field(default="", metadata=text(L.OTHER_TEXT))
    identifier: str = field(default="", metadata=text(L.OTHER_TEXT))


@dataclass(frozen=True)
class Patch:
    """An installed Windows hotfix (``KB5034441``)."""

    hotfix_id: str = field(metadata=text(L.HOTFIX_ID))
    installed_on: str = field(default="", metadata=text(L.INSTALLED_ON))
    description: str = field(default="", metadata=text(L.DESCRIPTION))


@dataclass(frozen=True)
class Address:
    """One address on one interface."""

    interface: str = field(metadata=text(L.INTERFACE))
    address: str = field(metadata=text(L.ADDRESS))
    mask: str = field(default="", metadata=text(L.ADDRESS))
    mac: str = field(default="", metadata=text(L.MAC))


@dataclass(frozen=True)
class CollectorInfo:
    version: str = field(metadata=text(L.COLLECTOR_VERSION))
    source: str = field(metadata=text(L.COLLECTOR_SOURCE))  # "osquery" or "native"
    osquery_version: str = field(default="", metadata=text(L.COLLECTOR_VERSION))


@dataclass(frozen=True)
class Report:
    host: HostInfo
    os: OsInfo
    collector: CollectorInfo
    collected_at: str = field(metadata=text(L.TIMESTAMP))  # ISO 8601 with zone, UTC
    software: list[Software] = field(default_factory=list, metadata=items(L.MAX_SOFTWARE))
    patches: list[Patch] = field(default_factory=list, metadata=items(L.MAX_PATCHES))
    addresses: list[Address] = field(default_factory=list, metadata=items(L.MAX_ADDRESSES))
    wire_version: int = field(default=WIRE_VERSION, metadata=integer())


def software_identity(item: Software) -> tuple[str, ...]:
    """What makes two software items the same for the server (its distinct
    software rows are keyed by these): where an item lives on disk is not part of it."""
    return (item.ecosystem, item.name, item.version, item.arch, item.vendor, item.source_package, item.release)


def hotfix_identity(patch: Patch) -> str:
    """A hotfix as the server keys it (``kb5034441`` and ``KB5034441`` are one); "" is no hotfix."""
    return patch.hotfix_id.strip().upper()


@dataclass(frozen=True)
class ReportDelta:
    """A report told as what changed since the report the server accepted as
    ``base_report_id``. A section left out (``None``) is as in the base;
    software and hotfixes are added and removed by their identity
    (:func:`software_identity`, :func:`hotfix_identity`). The server rebuilds
    the full report from its stored inventory and applies it as it would the
    full one, so every field a full report may carry is bounded the same way."""

    host_uuid: str = field(metadata=text(L.UUID))
    base_report_id: str = field(metadata=text(L.REPORT_ID))
    collected_at: str = field(metadata=text(L.TIMESTAMP))
    host: HostInfo | None = None
    os: OsInfo | None = None
    collector: CollectorInfo | None = None
    addresses: list[Address] | None = field(default=None, metadata=items(L.MAX_ADDRESSES))
    software_added: list[Software] = field(default_factory=list, metadata=items(L.MAX_SOFTWARE))
    software_removed: list[Software] = field(default_factory=list, metadata=items(L.MAX_SOFTWARE))
    patches_added: list[Patch] = field(default_factory=list, metadata=items(L.MAX_PATCHES))
    patches_removed: list[str] = field(default_factory=list,
                                       metadata={**items(L.MAX_PATCHES), **cells(L.HOTFIX_ID)})
    wire_version: int = field(default=WIRE_VERSION, metadata=integer())


# The ``type`` of the 409 answer to a delta whose base is not the host's last
# accepted report: the collector sends its full report instead.
FULL_REPORT_REQUIRED = "full_report_required"


@dataclass(frozen=True)
class EnrollRequest:
    enroll_secret: str = field(metadata=text(L.TOKEN))
    host_uuid: str = field(metadata=text(L.UUID))
    hostname: str = field(metadata=text(L.HOSTNAME))
    wire_version: int = field(default=WIRE_VERSION, metadata=integer())
    # The node key this collector holds, if any: the proof that lets a known
    # host be re-keyed without an admin's approval.
    node_key: str = field(default="", metadata=text(L.TOKEN))


@dataclass(frozen=True)
class EnrollResponse:
    """``status`` is ``enrolled``, or ``pending``: the node key works once an
    admin approves the enrollment (``patchgap host approve``); until then
    reports are answered 423 and stay in the collector's spool."""

    node_key: str
    host_id: int
    unit: str
    status: str = "enrolled"


@dataclass(frozen=True)
class ReportAccepted:
    host_id: int
    software_added: int
    software_removed: int
    findings_open: int
    # The server asks for a triage snapshot (a botnet list names this host, or
    # an admin asked): run queries/triage once and POST a TriageUpload.
    triage_requested: bool = False
    # The id a delta names as its base; "" when the report changed nothing
    # stored (older than the host's newest report), so it is no base.
    report_id: str = ""


@dataclass(frozen=True)
class TriageResult:
    """One triage query's answer: ``rows`` of cells in ``columns`` order.
    ``truncated``: rows were left out (the query's row cap, or the upload's
    size); ``error``: why the query gave nothing (osquery's message)."""

    name: str = field(metadata=text(L.TRIAGE_NAME))
    columns: list[str] = field(default_factory=list, metadata={**items(L.TRIAGE_COLUMNS), **cells(L.TRIAGE_NAME)})
    rows: list[list[str]] = field(default_factory=list, metadata={**items(L.TRIAGE_ROWS), **cells(L.TRIAGE_CELL)})
    truncated: bool = False
    error: str = field(default="", metadata=text(L.OTHER_TEXT))


@dataclass(frozen=True)
class TriageUpload:
    """A triage snapshot; ``skipped`` says what this source could not look at, and why."""

    host_uuid: str = field(metadata=text(L.UUID))
    collected_at: str = field(metadata=text(L.TIMESTAMP))
    source: str = field(metadata=text(L.COLLECTOR_SOURCE))  # "osquery" or "native"
    results: list[TriageResult] = field(default_factory=list, metadata=items(L.TRIAGE_RESULTS))
    skipped: list[str] = field(default_factory=list, metadata={**items(L.TRIAGE_SKIPPED), **cells(L.OTHER_TEXT)})
    wire_version: int = field(default=WIRE_VERSION, metadata=integer())


@dataclass(frozen=True)
class TriageStored:
    stored: int  # results kept


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
