"""CISA KEV as enrichment: it never creates findings; it marks the advisories
that share a CVE as exploited, with KEV's due date."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Advisory, AdvisoryCve

CHUNK = 500


def apply_kev(session: Session, cves: set[str] | None = None) -> int:
    """Mark advisories carrying these CVEs (all KEV CVEs when None) as
    exploited. Returns how many advisories changed."""
    query = (
        select(AdvisoryCve.cve, Advisory.deadline)
        .join(Advisory, Advisory.id == AdvisoryCve.advisory_pk)
        .where(Advisory.source == "kev")
    )
    due: dict[str, object] = {}
    wanted = sorted(cves) if cves is not None else None
    parts = [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)] if wanted is not None else [None]
    for part in parts:
        rows = session.execute(query if part is None else query.where(AdvisoryCve.cve.in_(part)))
        due.update({cve: deadline for cve, deadline in rows})
    changed = 0
    known = sorted(due)
    for start in range(0, len(known), CHUNK):
        part = known[start : start + CHUNK]
        for advisory, cve in session.execute(
            select(Advisory, AdvisoryCve.cve)
            .join(AdvisoryCve, AdvisoryCve.advisory_pk == Advisory.id)
            .where(AdvisoryCve.cve.in_(part), Advisory.source != "kev")
        ):
            dates = [d for d in (advisory.kev_due_date, due[cve]) if d is not None]
            new_due = min(dates) if dates else None  # type: ignore[type-var]
            if not advisory.exploited or advisory.kev_due_date != new_due:
                advisory.exploited = True
                advisory.kev_due_date = new_due  # type: ignore[assignment]
                changed += 1
    return changed
