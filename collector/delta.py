"""Delta reports, collector side: remember the last report the server
accepted, and tell the next one as what changed since it.

The state file (``last_report.json.gz`` beside the node key, owner-only)
holds the server's id of that report and the report itself: a delta names
what it removes, so the collector must know what it sent. It is written only
after the server accepted a report, and forgotten when the server says a
report changed nothing (it was older than the host's newest): the next report
is then a full one. See :class:`collector.wire.ReportDelta` for the contract.
"""
from __future__ import annotations

import gzip
import json
import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from collector import wire
from collector.i18n import text
from collector.spool import write_private

log = logging.getLogger(__name__)

STATE_FILE = "last_report.json.gz"


@dataclass(frozen=True)
class LastReport:
    """The report the server accepted last, under the id it gave it."""

    server: str
    report_id: str
    report: wire.Report


def load(state_dir: Path, server: str) -> LastReport | None:
    """The last accepted report for ``server``, or None (never sent, another
    server, or an unreadable file: the next report is a full one)."""
    path = Path(state_dir) / STATE_FILE
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        last = LastReport(server=str(data["server"]), report_id=str(data["report_id"]),
                          report=wire.report_from_dict(data["report"]))
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s", text("last_report_unreadable", path=path, error=exc))
        return None
    return last if last.server == server and last.report_id else None


def save(state_dir: Path, server: str, report_id: str, report: wire.Report) -> None:
    """Remember ``report`` as accepted by ``server`` under ``report_id``."""
    data = {"server": server, "report_id": report_id, "report": wire.to_dict(report)}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_private(Path(state_dir) / STATE_FILE, gzip.compress(body, compresslevel=1, mtime=0))


def forget(state_dir: Path) -> None:
    (Path(state_dir) / STATE_FILE).unlink(missing_ok=True)


def make_delta(base: LastReport, report: wire.Report) -> wire.ReportDelta | None:
    """``report`` as changes to ``base``; None when it is another machine's (a
    new uuid): that goes as a full report."""
    old = base.report
    if old.host.uuid != report.host.uuid:
        return None
    old_software = {wire.software_identity(item): item for item in old.software}
    new_software = {wire.software_identity(item): item for item in report.software}
    old_patches = {wire.hotfix_identity(p): p for p in old.patches if wire.hotfix_identity(p)}
    new_patches = {wire.hotfix_identity(p): p for p in report.patches if wire.hotfix_identity(p)}
    return wire.ReportDelta(
        host_uuid=report.host.uuid,
        base_report_id=base.report_id,
        collected_at=report.collected_at,
        host=None if report.host == old.host else report.host,
        os=None if report.os == old.os else report.os,
        collector=None if report.collector == old.collector else report.collector,
        addresses=None if report.addresses == old.addresses else list(report.addresses),
        software_added=[new_software[key] for key in sorted(new_software.keys() - old_software.keys())],
        # The server removes by identity: where an item lived on disk is not sent.
        software_removed=[dataclasses.replace(old_software[key], install_location="", identifier="")
                          for key in sorted(old_software.keys() - new_software.keys())],
        # A hotfix the server holds keeps what it stored of it: only new ones are sent.
        patches_added=[new_patches[key] for key in sorted(new_patches.keys() - old_patches.keys())],
        patches_removed=sorted(old_patches.keys() - new_patches.keys()),
    )
