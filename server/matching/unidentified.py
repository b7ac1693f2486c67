"""Programs no product rule identifies, and re-identification after a rule change.

An unidentified program is not an error: it is data with a reason, so an
admin can see what patchgap cannot match and add a rule (see
``server/matching/rules/products.csv``). Identified match names are
``vendor:product``; normalised names never contain ``:``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.db.models import Affected, HostSoftware, Software
from server.ecosystems import INSTALLED_PROGRAMS, PROGRAMS
from server.matching.identity import advisory_match_name, match_name, program_identity


@dataclass(frozen=True)
class Unidentified:
    """A distinct software row matched on its bare name, and why."""

    software_id: int
    ecosystem: str
    name: str
    version: str
    match_name: str
    hosts: int
    reason: str

    def as_row(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version, "ecosystem": self.ecosystem,
                "match_name": self.match_name, "hosts": self.hosts, "reason": self.reason}


def unidentified(session: Session) -> list[Unidentified]:
    """Installed programs no product rule identifies, most widespread first."""
    hosts = func.count(HostSoftware.host_id)
    rows = session.execute(
        select(Software.id, Software.ecosystem, Software.name, Software.version, Software.match_name, hosts)
        .outerjoin(HostSoftware, HostSoftware.software_id == Software.id)
        .where(Software.ecosystem.in_(INSTALLED_PROGRAMS), ~Software.match_name.contains(":"))
        .group_by(Software.id, Software.ecosystem, Software.name, Software.version, Software.match_name)
        .order_by(hosts.desc(), Software.name, Software.version)
    ).all()
    return [
        Unidentified(sw_id, ecosystem, name, version, key, count, program_identity(name).reason)
        for sw_id, ecosystem, name, version, key, count in rows
    ]


def reidentify(session: Session) -> tuple[list[int], list[int]]:
    """Recompute the match names of programs and program advisory items under
    the rules in force. Returns the (software ids, affected ids) that changed;
    their matches are stale until re-matched (``rematch.rematch`` does so)."""
    software_changed: list[int] = []
    for sw_id, ecosystem, name, source, current in session.execute(
        select(Software.id, Software.ecosystem, Software.name, Software.source_package, Software.match_name)
        .where(Software.ecosystem.in_(PROGRAMS))
    ).all():
        wanted = match_name(ecosystem, name, source)
        if wanted != current:
            session.execute(update(Software).where(Software.id == sw_id).values(match_name=wanted))
            software_changed.append(sw_id)
    affected_changed: list[int] = []
    for aff_id, ecosystem, product, vendor, cpe, current in session.execute(
        select(Affected.id, Affected.ecosystem, Affected.product, Affected.vendor, Affected.cpe, Affected.match_name)
        .where(Affected.ecosystem.in_(PROGRAMS))
    ).all():
        wanted = advisory_match_name(ecosystem, product, vendor, cpe)
        if wanted != current:
            session.execute(update(Affected).where(Affected.id == aff_id).values(match_name=wanted))
            affected_changed.append(aff_id)
    return software_changed, affected_changed
