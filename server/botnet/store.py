"""Store a parsed botnet list: atomically (the caller's transaction), and
idempotently (the same entries under the same name change nothing)."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.botnet.model import ParsedList
from server.db.models import BotnetEntry, BotnetList
from server.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Stored:
    name: str
    status: str  # "new" | "replaced" | "unchanged"
    entries: int


def digest(parsed: ParsedList) -> str:
    lines = sorted(f"{e.network}|{e.seen_at.isoformat() if e.seen_at else ''}|{e.family}|{e.port or ''}"
                   for e in parsed.entries)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def store_list(session: Session, parsed: ParsedList, name: str, listed_on: dt.date, source_file: str,
               window_days: int, now: dt.datetime) -> Stored:
    if not parsed.entries:
        raise InvalidInput.of("botnet_no_entries", name=name)
    content = digest(parsed)
    twin = session.scalar(select(BotnetList).where(BotnetList.digest == content, BotnetList.name != name))
    if twin is not None:
        raise InvalidInput.of("botnet_same_as", name=name, other=twin.name)
    row = session.scalar(select(BotnetList).where(BotnetList.name == name))
    if row is not None and row.digest == content and row.listed_on == listed_on and row.window_days == window_days:
        return Stored(name, "unchanged", len(row.entries))
    status = "replaced" if row is not None else "new"
    if row is None:
        row = BotnetList(name=name)
        session.add(row)
    row.source_file, row.kind, row.listed_on = source_file[:255], parsed.kind, listed_on
    row.window_days, row.digest, row.imported_at = window_days, content, now
    row.entries = [
        BotnetEntry(row=e.row, network=e.network, seen_at=e.seen_at, family=e.family[:128], port=e.port,
                    unit=e.unit[:200], isp=e.isp[:200])
        for e in parsed.entries
    ]
    session.flush()
    return Stored(name, status, len(parsed.entries))


def remove_list(session: Session, name: str) -> BotnetList:
    row = session.scalar(select(BotnetList).where(BotnetList.name == name))
    if row is None:
        raise NotFound.of("no_botnet_list", name=name)
    session.delete(row)
    return row


def lists(session: Session) -> list[BotnetList]:
    return list(session.scalars(select(BotnetList).order_by(BotnetList.listed_on.desc(), BotnetList.name)))
