"""A host's latest triage snapshot as ``botnet triage`` shows it: each query's
columns and rows, with every remote address on an imported list flagged."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from server.db.models import Host, TriageRequest
from server.triage import requests, snapshots
from server.triage.marks import REMOTE_COLUMNS, ListedNetworks, Listing


@dataclass(frozen=True)
class Flag:
    row: int  # index into the result's rows
    column: str
    address: str
    listings: list[Listing]


@dataclass(frozen=True)
class ResultView:
    name: str
    columns: list[str]
    rows: list[list[str]]
    truncated: bool
    error: str
    flags: list[Flag] = field(default_factory=list)


@dataclass(frozen=True)
class TriageView:
    host: str
    request: TriageRequest | None  # pending, if any
    received_at: dt.datetime | None = None  # None: no snapshot received yet
    collected_at: dt.datetime | None = None
    source: str = ""
    results: list[ResultView] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _flags(result: dict[str, Any], listed: ListedNetworks) -> list[Flag]:
    columns = list(result.get("columns", []))
    remote = [(index, name) for index, name in enumerate(columns) if name in REMOTE_COLUMNS]
    flags = []
    for number, row in enumerate(result.get("rows", [])):
        for index, name in remote:
            found = listed.find(row[index]) if index < len(row) else []
            if found:
                flags.append(Flag(number, name, row[index], found))
    return flags


def triage_view(session: Session, host: Host) -> TriageView:
    """The host's latest snapshot (or its pending request, when none arrived yet)."""
    pending = requests.pending(session, host.id)
    snapshot = snapshots.latest(session, host.id)
    if snapshot is None:
        return TriageView(host.hostname, pending)
    listed = ListedNetworks.load(session)
    results = [
        ResultView(str(r.get("name", "")), list(r.get("columns", [])), [list(row) for row in r.get("rows", [])],
                   bool(r.get("truncated")), str(r.get("error", "")), _flags(r, listed))
        for r in snapshot.results
    ]
    return TriageView(host.hostname, pending, snapshot.received_at, snapshot.collected_at, snapshot.source,
                      results, list(snapshot.skipped))
