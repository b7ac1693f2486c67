"""Findings as a report needs them, at any moment: open host–advisory pairs
(streamed for the gap list), the pairs that opened or closed within a week,
what fixes a pair. "Open at t" is the findings history (first detected <= t
< resolved), so a past week reads as it stood whatever arrived since."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import String, case, exists, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from server.db.models import Advisory, Affected, Finding, Host, Software, Warning
from server.queries import json_list, open_at
from server.reports.scope import Scope

def _in_scope(query, scope: Scope, unit_names: list[str]):  # type: ignore[no-untyped-def]
    if unit_names:
        return query.where(Finding.host_id.in_(select(Host.id).where(Host.unit_id.in_(sorted(scope.unit_ids)))))
    return query


@dataclass(frozen=True)
class AdvisoryFact:
    id: int
    name: str  # the warning number when a national warning, else the advisory id
    warning: str
    severity: str
    exploited: bool
    deadline: dt.date | None  # the earlier of deadline and KEV due date
    cves: tuple[str, ...]

    def overdue(self, at: dt.datetime) -> bool:
        return self.deadline is not None and self.deadline < at.date()


def advisories(session: Session, ids: set[int] | None) -> dict[int, AdvisoryFact]:
    """The facts of advisories ``ids`` (None: every advisory with findings,
    in one query: for the gap list of a whole province)."""
    warnings = dict(session.execute(select(Warning.advisory_pk, Warning.number).where(Warning.advisory_pk.is_not(None))).all())
    columns = (Advisory.id, Advisory.advisory_id, Advisory.severity, Advisory.exploited, Advisory.deadline,
               Advisory.kev_due_date, Advisory.cves)
    if ids is None:
        batches = [select(*columns).where(Advisory.id.in_(select(Finding.advisory_pk).distinct()))]
    else:
        ordered = sorted(ids)
        batches = [select(*columns).where(Advisory.id.in_(ordered[start:start + 500]))
                   for start in range(0, len(ordered), 500)]
    found: dict[int, AdvisoryFact] = {}
    for query in batches:
        for a in session.execute(query):
            due = [d for d in (a.deadline, a.kev_due_date) if d is not None]
            number = warnings.get(a.id, "")
            found[a.id] = AdvisoryFact(a.id, number or a.advisory_id, number, (a.severity or "").lower(),
                                       bool(a.exploited), min(due) if due else None, tuple(a.cves or ()))
    return found


# A moment as the database gives it when its conversion is skipped (lists of
# tens of thousands where only the few shown are converted).
Stamp = str | dt.datetime


def opened_between(session: Session, scope: Scope, unit_names: list[str], start: dt.datetime,
                   end: dt.datetime) -> dict[tuple[int, int], Stamp]:
    """(host, advisory) -> when it opened (``weeks.as_utc`` reads it), of the pairs open at ``end`` that
    were not open at ``start`` (every finding of theirs open at ``end`` was
    first detected after ``start``)."""
    earlier = aliased(Finding)
    was_open = exists().where(earlier.host_id == Finding.host_id, earlier.advisory_pk == Finding.advisory_pk,
                              earlier.first_detected <= start,
                              or_(earlier.resolved_at.is_(None), earlier.resolved_at > start))
    query = _in_scope(
        select(Finding.host_id, Finding.advisory_pk, type_coerce(func.min(Finding.first_detected), String))
        .where(Finding.first_detected > start, open_at(end), ~was_open)
        .group_by(Finding.host_id, Finding.advisory_pk), scope, unit_names)
    return {(h, a): at for h, a, at in session.execute(query) if h in scope.hosts}


def closed_between(session: Session, scope: Scope, unit_names: list[str], start: dt.datetime,
                   end: dt.datetime) -> dict[tuple[int, int], Stamp]:
    """(host, advisory) -> when its last finding closed (``weeks.as_utc`` reads it), of the pairs open at
    ``start`` and no longer open at ``end``."""
    later = aliased(Finding)
    still_open = exists().where(later.host_id == Finding.host_id, later.advisory_pk == Finding.advisory_pk,
                                open_at(end, later))
    query = _in_scope(
        select(Finding.host_id, Finding.advisory_pk, type_coerce(func.max(Finding.resolved_at), String))
        .where(Finding.resolved_at > start, Finding.resolved_at <= end, Finding.first_detected <= start,
               ~still_open)
        .group_by(Finding.host_id, Finding.advisory_pk), scope, unit_names)
    return {(h, a): at for h, a, at in session.execute(query) if h in scope.hosts}


Fix = tuple[str, str, str]  # (items, installed versions, what to install)


def _detail():  # type: ignore[no-untyped-def]
    return (select(Finding.host_id, Finding.advisory_pk, Software.name, Affected.product, Finding.installed_version,
                   Finding.fixed_version, Affected.fixed_kbs)
            .select_from(Finding)
            .outerjoin(Software, Software.id == Finding.software_id)
            .outerjoin(Affected, Affected.id == Finding.affected_id))


class _FixParts:
    """One pair's items, the versions installed and the versions or KBs that
    fix them, gathered finding by finding (every list and export alike)."""

    def __init__(self) -> None:
        self.items: dict[str, None] = {}
        self.have: dict[str, None] = {}
        self.want: dict[str, None] = {}

    def add(self, name: str | None, product: str | None, installed: str, fixed: str, kbs: Iterable[str]) -> None:
        self.items[name or product or ""] = None
        if installed:
            self.have[installed] = None
        if fixed:
            self.want[fixed] = None
        for kb in kbs:
            self.want[kb] = None

    def fix(self) -> Fix:
        return ", ".join(sorted(self.items)), ", ".join(self.have), ", ".join(self.want)


def _fold(rows) -> dict[tuple[int, int], Fix]:  # type: ignore[no-untyped-def]
    """Per pair: its items, the versions installed, the versions or KBs that fix them."""
    parts: dict[tuple[int, int], _FixParts] = {}
    for host_id, advisory_pk, name, product, installed, fixed, kbs in rows:
        parts.setdefault((host_id, advisory_pk), _FixParts()).add(name, product, installed, fixed, kbs or ())
    return {pair: found.fix() for pair, found in parts.items()}


def fixes(session: Session, host_id: int, advisory_pk: int, at: dt.datetime) -> Fix:
    """What one open host–advisory pair is about and what fixes it."""
    rows = session.execute(_detail().where(Finding.host_id == host_id, Finding.advisory_pk == advisory_pk,
                                           open_at(at)))
    return _fold(rows).get((host_id, advisory_pk), ("", "", ""))


def _one_fix(name: str | None, product: str | None, installed: str, fixed: str, kbs: Iterable[str]) -> Fix:
    """``_FixParts`` of a pair with a single finding (most of them), without
    gathering: the same three texts."""
    want = dict.fromkeys(kbs)
    if fixed:
        want = {fixed: None, **want}
    return name or product or "", installed or "", ", ".join(want)


def open_details(session: Session, host_ids: Sequence[int], at: dt.datetime
                 ) -> Iterator[tuple[int, int, Stamp, Fix]]:
    """Every pair of these hosts open at ``at``: (host, advisory, first
    detected, its fix), streamed in host and advisory order from one query.
    Timestamps and KB lists are read as the database stores them and decoded
    only where needed (each distinct KB list once)."""
    query = (
        select(Finding.host_id, Finding.advisory_pk, Software.name, Affected.product, Finding.installed_version,
               Finding.fixed_version, type_coerce(Affected.fixed_kbs, String),
               type_coerce(Finding.first_detected, String))
        .select_from(Finding)
        .outerjoin(Software, Software.id == Finding.software_id)
        .outerjoin(Affected, Affected.id == Finding.affected_id)
        .where(Finding.host_id.in_(sorted(host_ids)), open_at(at))
        .order_by(Finding.host_id, Finding.advisory_pk, Finding.id))
    lists: dict[str, list[str]] = {}

    def fix_of(row, parts):  # type: ignore[no-untyped-def]
        """A pair's fix: gathered when it has several findings, else read off its one row."""
        if parts is not None:
            return parts.fix()
        return _one_fix(row[2], row[3], row[4], row[5], json_list(lists, row[6]))

    # The pair being read: its first finding's row, and its parts once a second finding comes.
    first_row = None
    parts: _FixParts | None = None
    first: Stamp = ""
    for row in session.execute(query):
        if first_row is not None and row[0] == first_row[0] and row[1] == first_row[1]:
            if parts is None:
                parts = _FixParts()
                parts.add(first_row[2], first_row[3], first_row[4], first_row[5], json_list(lists, first_row[6]))
            parts.add(row[2], row[3], row[4], row[5], json_list(lists, row[6]))
            if row[7] < first:
                first = row[7]
            continue
        if first_row is not None:
            yield first_row[0], first_row[1], first, fix_of(first_row, parts)
        first_row, parts, first = row, None, row[7]
    if first_row is not None:
        yield first_row[0], first_row[1], first, fix_of(first_row, parts)


def os_builds(session: Session, host_ids: list[int], at: dt.datetime) -> dict[int, str]:
    """The OS build each host had at ``at``, where an OS-level finding open
    then recorded it: a past week shows the build of that week, not today's."""
    found: dict[int, str] = {}
    for start in range(0, len(host_ids), 500):
        query = (select(Finding.host_id, func.max(Finding.installed_version))
                 .where(Finding.host_id.in_(host_ids[start:start + 500]), Finding.software_id == 0, open_at(at))
                 .group_by(Finding.host_id))
        found.update({h: build for h, build in session.execute(query) if build})
    return found


def warning_hosts(session: Session, advisory_pk: int, since: dt.datetime | None, at: dt.datetime) -> dict[int, bool]:
    """Hosts a warning's advisory affected since ``since`` (its issue date),
    each with whether it is still open at ``at``."""
    alive = [Finding.advisory_pk == advisory_pk, Finding.first_detected < at]
    if since is not None:
        alive.append(or_(Finding.resolved_at.is_(None), Finding.resolved_at >= since))
    query = (select(Finding.host_id, func.max(case((open_at(at), 1), else_=0)))
             .where(*alive).group_by(Finding.host_id))
    return {host_id: bool(still_open) for host_id, still_open in session.execute(query)}
