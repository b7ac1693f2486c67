"""Delta reports: the id of each host's last applied report, and the full
report a delta amounts to.

A delta names the report it was made from. When that is the host's last
applied report, the full report is rebuilt from what the server stores of it
(software from host_software, hotfixes from host_patches, the rest from the
base's header) plus the delta's changes, and then applied like any full
report: the same ingest, the same matching. Anything else is answered "send
the full report" (:class:`FullReportRequired`), never guessed at.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import Host, HostPatch, HostReportBase, HostSoftware, Software
from server.errors import PatchgapError
from server.inventory.ingest import SOFTWARE_DIGEST, software_key


class FullReportRequired(PatchgapError):
    """The delta's base is not the host's last applied report (or the delta
    removes what that report does not hold): nothing was stored."""


def new_report_id() -> str:
    return secrets.token_hex(8)


def record_base(session: Session, host: Host, report: wire.Report, now: dt.datetime, software_digest: str = "") -> str:
    """Make ``report``, just applied to ``host``, the base the next delta
    names; returns its new id. ``software_digest``: that of the software set
    the report left (``ingest.software_digest``)."""
    header = {
        SOFTWARE_DIGEST: software_digest,
        "host": wire.to_dict(report.host),
        "os": wire.to_dict(report.os),
        "collector": wire.to_dict(report.collector),
        "addresses": [wire.to_dict(address) for address in report.addresses],
    }
    report_id = new_report_id()
    base = session.get(HostReportBase, host.id)
    if base is None:
        session.add(HostReportBase(host_id=host.id, report_id=report_id, header=header, applied_at=now))
    else:
        base.report_id, base.header, base.applied_at = report_id, header, now
    return report_id


def rebuild(session: Session, host: Host, delta: wire.ReportDelta) -> wire.Report:
    """The full report ``delta`` amounts to; FullReportRequired when its base
    is not the host's last applied report. Call with the host's row locked."""
    base = session.get(HostReportBase, host.id)
    if base is None or base.report_id != delta.base_report_id:
        raise FullReportRequired.of("delta_base_differs", host=host.hostname, base=delta.base_report_id,
                                    last=base.report_id if base else "")
    software = _stored_software(session, host.id)
    for item in delta.software_removed:
        if software.pop(software_key(item), None) is None:
            raise FullReportRequired.of("delta_removes_unknown", host=host.hostname, what="software",
                                        item=f"{item.name} {item.version}")
    software.update((software_key(item), item) for item in delta.software_added)
    patches = _stored_patches(session, host.id)
    for hotfix in delta.patches_removed:
        if patches.pop(hotfix.strip().upper(), None) is None:
            raise FullReportRequired.of("delta_removes_unknown", host=host.hostname, what="hotfix", item=hotfix)
    # A hotfix the host already has keeps what was stored of it, as with a full report.
    patches.update((wire.hotfix_identity(p), p) for p in delta.patches_added if wire.hotfix_identity(p))
    header: dict[str, Any] = base.header
    return wire.Report(
        host=delta.host or wire.HostInfo(**header["host"]),
        os=delta.os or wire.OsInfo(**header["os"]),
        collector=delta.collector or wire.CollectorInfo(**header["collector"]),
        collected_at=delta.collected_at,
        software=list(software.values()),
        patches=list(patches.values()),
        addresses=delta.addresses if delta.addresses is not None
        else [wire.Address(**address) for address in header["addresses"]],
    )


def _stored_software(session: Session, host_id: int) -> dict[str, wire.Software]:
    rows = session.execute(
        select(Software.key, Software.name, Software.version, Software.ecosystem, Software.arch, Software.vendor,
               Software.source_package, Software.release)
        .join(HostSoftware, HostSoftware.software_id == Software.id).where(HostSoftware.host_id == host_id)
    )
    return {
        key: wire.Software(name=name, version=version, ecosystem=ecosystem, arch=arch, vendor=vendor,
                           source_package=source_package, release=release)
        for key, name, version, ecosystem, arch, vendor, source_package, release in rows
    }


def _stored_patches(session: Session, host_id: int) -> dict[str, wire.Patch]:
    rows = session.execute(select(HostPatch.hotfix_id, HostPatch.installed_on, HostPatch.description)
                           .where(HostPatch.host_id == host_id))
    return {kb: wire.Patch(hotfix_id=kb, installed_on=on, description=text) for kb, on, text in rows}
