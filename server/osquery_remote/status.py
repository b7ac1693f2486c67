"""osqueryd's status log: kept briefly and bounded per host, for
troubleshooting (``patchgap host NAME --osquery-status``), and read for the
one line the inventory needs: a scheduled query that failed on this host
(``Error executing scheduled query NAME: ...``, osquery's scheduler), which
counts as answered with no rows.

Each line: ``hostIdentifier``, ``calendarTime``, ``unixTime``, ``severity``
(0 info, 1 warning, 2 error, 3 fatal), ``filename``, ``line``, ``message``,
``version``, ``decorations``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.api.problems import ApiError
from server.db.models import OsqueryStatusLine
from server.osquery_remote import bodies
from server.osquery_remote.results import collected_at, query_name

KEEP_LINES = 200  # per host
KEEP_DAYS = 7
MESSAGE_CHARS = 2000  # a status line is for people; longer ones are cut, marked with …
_FAILED = re.compile(r"^Error executing scheduled query (\S+): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class StatusLine:
    logged_at: dt.datetime
    severity: int
    location: str
    message: str

    def failed_query(self, known: frozenset[str] | set[str]) -> tuple[str, str] | None:
        """(our query, osquery's error) when this line says it failed."""
        found = _FAILED.match(self.message)
        if found is None:
            return None
        name = query_name(found.group(1), known)
        return (name, found.group(2).strip()) if name else None


def parse(data: list[Any], now: dt.datetime) -> list[StatusLine]:
    lines = []
    for index, item in enumerate(data):
        path = f"log.data[{index}]"
        if not isinstance(item, dict):
            raise ApiError(422, f"{path}: a log item is not an object")
        raw = item.get("message", "")
        if not isinstance(raw, str):
            raise ApiError(422, f"{path}.message: not a string")
        # A status line is for people: a NUL in it (which PostgreSQL cannot store) is dropped, not refused.
        message = bodies.checked_text(raw.replace("\x00", ""), f"{path}.message", 10 * 1024 * 1024)
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 1] + "…"
        filename = bodies.text(item, "filename", path, 200, default="")
        line = bodies.whole(item.get("line"), f"{path}.line")
        severity = min(bodies.whole(item.get("severity"), f"{path}.severity"), 9)
        lines.append(StatusLine(collected_at(item, path, now), severity, f"{filename}:{line}" if filename else "",
                                message))
    return lines


def keep(session: Session, host_id: int, lines: list[StatusLine], now: dt.datetime) -> None:
    """Store ``lines``, then drop the host's lines beyond the last KEEP_LINES or older than KEEP_DAYS."""
    session.add_all(OsqueryStatusLine(host_id=host_id, logged_at=line.logged_at, severity=line.severity,
                                      location=line.location, message=line.message) for line in lines[-KEEP_LINES:])
    session.flush()
    newest = list(session.scalars(
        select(OsqueryStatusLine.id).where(OsqueryStatusLine.host_id == host_id)
        .order_by(OsqueryStatusLine.id.desc()).limit(KEEP_LINES)
    ))
    if newest:
        session.execute(delete(OsqueryStatusLine).where(
            OsqueryStatusLine.host_id == host_id, OsqueryStatusLine.id < min(newest)))
    session.execute(delete(OsqueryStatusLine).where(
        OsqueryStatusLine.host_id == host_id, OsqueryStatusLine.logged_at < now - dt.timedelta(days=KEEP_DAYS)))


def recent(session: Session, host_id: int) -> list[OsqueryStatusLine]:
    """The host's kept lines, oldest first."""
    return list(session.scalars(
        select(OsqueryStatusLine).where(OsqueryStatusLine.host_id == host_id)
        .order_by(OsqueryStatusLine.logged_at, OsqueryStatusLine.id)
    ))
