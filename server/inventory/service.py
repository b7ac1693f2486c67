"""Apply one report end to end: store it, match its new software, refresh the
host's findings, record it as the base of the host's next delta, and say
whether a triage snapshot is asked of the host. A delta report is rebuilt
into the full report it amounts to and applied the same way. The caller owns
the transaction."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import Finding, Host
from server.inventory import delta as deltas
from server.inventory.ingest import ingest_report
from server.matching import engine
from server.matching.findings import refresh_findings
from server.triage import requests as triage_requests


def apply_report(session: Session, host: Host, report: wire.Report, now: dt.datetime,
                 observed: str = "") -> wire.ReportAccepted:
    """``observed``: the address the report came from, as the API saw it."""
    release = (host.distro, host.release)
    result = ingest_report(session, host, report, now, observed)
    report_id = ""
    if not result.stale:
        # A host that kept its release can be the first of it only for the links this report added.
        kept = release == (host.distro, host.release)
        engine.match_host(session, host.id, result.new_software_ids, result.linked_ids if kept else None)
        refresh_findings(session, [host.id], now)
        report_id = deltas.record_base(session, host, report, now, result.software_digest)
    open_findings = session.scalar(
        select(func.count()).select_from(Finding).where(Finding.host_id == host.id, Finding.resolved_at.is_(None))
    )
    return wire.ReportAccepted(
        host_id=host.id,
        software_added=result.software_added,
        software_removed=result.software_removed,
        findings_open=open_findings or 0,
        triage_requested=triage_requests.pending(session, host.id) is not None,
        report_id=report_id,
    )

