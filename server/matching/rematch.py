"""Re-match what changed since the stored matches were computed.

``state`` says what the matches were computed under. When the matcher
version differs (or none was recorded: a new or migrated database),
everything is re-matched, writing only the pairs and findings that differ.
When only the product rules differ, only the software rows and advisory
items whose identity they change are re-matched, and only the hosts that
have those rows or had their matches are refreshed. When nothing differs,
nothing is read beyond the recorded state.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.batches import chunks
from server.db.models import HostSoftware
from server.matching import engine, state
from server.matching.findings import CHUNK, Delta, refresh_findings
from server.matching.products import default_rules
from server.matching.unidentified import reidentify


@dataclass(frozen=True)
class Rematched:
    scope: str  # "full", "rules" or "none"
    findings: Delta


def rematch(session: Session, now: dt.datetime, full: bool = False) -> Rematched:
    """Bring matches and findings in line with the matcher and rules in force;
    ``full`` re-matches everything whatever the recorded state says."""
    wanted = state.current(default_rules())
    had = state.recorded(session)
    if full or had.get("matcher") != wanted["matcher"]:
        engine.match_all(session)
        result = Rematched("full", refresh_findings(session, None, now))
    elif had.get("rules") != wanted["rules"]:
        result = Rematched("rules", _rules_changed(session, now))
    else:
        return Rematched("none", Delta(0, 0))
    state.record(session, wanted)
    return result


def _rules_changed(session: Session, now: dt.datetime) -> Delta:
    software, affected = reidentify(session)
    touched = set(software)
    engine.match_software(session, software)
    touched |= engine.match_affected(session, affected) if affected else set()
    hosts = _hosts_of(session, sorted(touched))
    return refresh_findings(session, sorted(hosts), now) if hosts else Delta(0, 0)


def _hosts_of(session: Session, software_ids: list[int]) -> set[int]:
    hosts: set[int] = set()
    for part in chunks(software_ids, CHUNK):
        hosts.update(session.scalars(select(HostSoftware.host_id).where(HostSoftware.software_id.in_(part))))
    return hosts

