"""Each host's open gaps at the end of a week: counted from the findings
history for a week still running, kept in ``week_host_gaps`` once a week has
ended. Findings are stamped by the server as they open and close, so an
ended week's figures never change; keeping them lets the report and its
12-week trend read one row per host and week instead of every finding open
at each week's end (two million at a province)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, delete, func, insert, select, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from server.db.models import Finding, Host, HostReportDay, ReportWeek, WeekHostGaps
from server.db.upsert import insert_or_skip
from server.queries import open_at
from server.reports import gapfacts, period as periods
from server.reports.model import Period

SEVERITIES = ("critical", "high", "medium", "low", "unknown")
_SEVERITY_INDEX = {name: i for i, name in enumerate(SEVERITIES)}


def severity_index(severity: str) -> int:
    """Where a severity sorts, worst first; one we do not rank sorts last."""
    return _SEVERITY_INDEX.get(severity, _SEVERITY_INDEX["unknown"])


@dataclass(frozen=True)
class HostWeek:
    reported: bool  # sent a report during the week
    open_gaps: int  # findings open at the week's end
    overdue_gaps: int
    by_severity: tuple[int, int, int, int, int]  # findings, in SEVERITIES order
    oldest_open: dt.datetime | None  # None: no open gap
    worst_advisory_pk: int | None
    worst_rank: int | None  # see rank(); lower is worse
    worst_first_detected: dt.datetime | None


def rank(exploited: bool, late: bool, severity: str) -> int:
    """The report's priority of a host–advisory pair as one number: known
    exploited and overdue first, then exploited, then overdue, then severity."""
    return ((0 if exploited and late else 1) << 5 | (0 if exploited else 1) << 4 | (0 if late else 1) << 3
            | severity_index(severity))


def as_utc(value: object) -> dt.datetime | None:
    """A timestamp read without the column type's conversion: SQLite gives
    its stored text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def count(session: Session, period: Period) -> dict[int, HostWeek]:
    """Every host enrolled by the end of ``period`` with its open gaps then,
    from the findings history (one pass over the pairs open at that moment),
    and whether it reported during the week."""
    at = period.end
    facts = gapfacts.advisories(session, None)
    # advisory -> (severity index, rank, overdue) as they stood at the week's end
    terms = {pk: (severity_index(f.severity), rank(f.exploited, f.overdue(at), f.severity), f.overdue(at))
             for pk, f in facts.items()}
    query = (select(Finding.host_id, Finding.advisory_pk, func.count(),
                    type_coerce(func.min(Finding.first_detected), String))
             .where(open_at(at)).group_by(Finding.host_id, Finding.advisory_pk))
    # host -> [open, overdue, 5 severity counts, oldest, worst (rank, first, advisory)]
    totals: dict[int, list] = {}  # type: ignore[type-arg]
    for host_id, advisory_pk, n, first in session.execute(query):
        severity, order, late = terms[advisory_pk]
        found = totals.get(host_id)
        if found is None:
            found = totals[host_id] = [0, 0, 0, 0, 0, 0, 0, first, (order, first, advisory_pk)]
        found[0] += n
        if late:
            found[1] += n
        found[2 + severity] += n
        if first < found[7]:
            found[7] = first
        if (order, first) < found[8][:2]:
            found[8] = (order, first, advisory_pk)
    reported = set(session.scalars(select(HostReportDay.host_id).distinct().where(
        HostReportDay.day >= period.start.date(), HostReportDay.day < at.date())))
    figures = {}
    for host_id in session.scalars(select(Host.id).where(Host.enrolled_at < at)):
        t = totals.get(host_id)
        figures[host_id] = HostWeek(host_id in reported, 0, 0, (0, 0, 0, 0, 0), None, None, None, None) if t is None \
            else HostWeek(host_id in reported, t[0], t[1], (t[2], t[3], t[4], t[5], t[6]), as_utc(t[7]), t[8][2],
                          t[8][0], as_utc(t[8][1]))
    return figures


_KEPT_COLUMNS = (WeekHostGaps.host_id, WeekHostGaps.reported, WeekHostGaps.open_gaps, WeekHostGaps.overdue_gaps,
                 WeekHostGaps.critical, WeekHostGaps.high, WeekHostGaps.medium, WeekHostGaps.low, WeekHostGaps.unknown,
                 type_coerce(WeekHostGaps.oldest_open, String), WeekHostGaps.worst_advisory_pk, WeekHostGaps.worst_rank,
                 type_coerce(WeekHostGaps.worst_first_detected, String))


def is_kept(session: Session, period: Period) -> bool:
    return session.get(ReportWeek, period.last_day) is not None


def read_kept(session: Session, period: Period) -> dict[int, HostWeek] | None:
    """The kept figures of ``period``, or None when it is not kept."""
    if not is_kept(session, period):
        return None
    rows = session.execute(select(*_KEPT_COLUMNS).where(WeekHostGaps.last_day == period.last_day))
    return {r[0]: HostWeek(bool(r[1]), r[2], r[3], (r[4], r[5], r[6], r[7], r[8]), as_utc(r[9]), r[10], r[11],
                           as_utc(r[12])) for r in rows}


def kept_totals(session: Session, wanted: list[Period], host_ids: Any = None) -> dict[dt.date, tuple[int, int, int]]:
    """Last day -> (open gaps, overdue gaps, hosts reporting) of the kept
    weeks among ``wanted``, over ``host_ids`` (a subquery or ids; None:
    every host), added up by the database."""
    query = (select(WeekHostGaps.last_day, func.sum(WeekHostGaps.open_gaps), func.sum(WeekHostGaps.overdue_gaps),
                    func.count().filter(WeekHostGaps.reported))
             .where(WeekHostGaps.last_day.in_([p.last_day for p in wanted])).group_by(WeekHostGaps.last_day))
    if host_ids is not None:
        query = query.where(WeekHostGaps.host_id.in_(host_ids))
    kept = set(session.scalars(select(ReportWeek.last_day).where(ReportWeek.last_day.in_(
        [p.last_day for p in wanted]))))
    totals = {day: (0, 0, 0) for day in kept}  # a kept week may have had no host
    totals.update({day: (int(opened or 0), int(late or 0), int(reporting or 0))
                   for day, opened, late, reporting in session.execute(query)})
    return totals


def figures(session: Session, period: Period) -> dict[int, HostWeek]:
    """The figures of ``period``: kept, or counted when it is not."""
    kept = read_kept(session, period)
    return kept if kept is not None else count(session, period)


def keep(session: Session, period: Period, counted: dict[int, HostWeek]) -> bool:
    """Store an ended week's figures, unless another process did first
    (then False). ``counted`` comes from ``count`` in a reading transaction,
    so the write lock is held only for the insert."""
    claimed = session.execute(insert_or_skip(session, ReportWeek, ["last_day"]).values(
        last_day=period.last_day, taken_at=dt.datetime.now(dt.timezone.utc)))
    if not claimed.rowcount:
        return False
    session.execute(delete(WeekHostGaps).where(WeekHostGaps.last_day == period.last_day))
    rows = [{"last_day": period.last_day, "host_id": h, "reported": w.reported, "open_gaps": w.open_gaps,
             "overdue_gaps": w.overdue_gaps,
             **dict(zip(SEVERITIES, w.by_severity)), "oldest_open": w.oldest_open,
             "worst_advisory_pk": w.worst_advisory_pk, "worst_rank": w.worst_rank,
             "worst_first_detected": w.worst_first_detected} for h, w in counted.items()]
    for start in range(0, len(rows), 5_000):
        session.execute(insert(WeekHostGaps), rows[start:start + 5_000])
    return True


def ended(period: Period, now: dt.datetime) -> bool:
    return period.end <= now


def exploited(order: int) -> bool:
    """What ``rank`` packed: the pair's advisory is known exploited."""
    return not order >> 4 & 1


def late(order: int) -> bool:
    """... is past its deadline or KEV due date."""
    return not order >> 3 & 1


def severity(order: int) -> str:
    """... and its severity ("unknown" for one we do not rank)."""
    return SEVERITIES[min(order & 7, 4)]


def needed(period: Period, trend_weeks: int) -> list[Period]:
    """The weeks a report of ``period`` reads: its trend's and the one before."""
    return [periods.previous(period, n) for n in range(trend_weeks, -1, -1)]


def keep_ended(read: sessionmaker[Session], write: sessionmaker[Session], wanted: list[Period],
               now: dt.datetime) -> int:
    """Count and keep every ended week of ``wanted`` not kept yet; the number
    kept. Counting reads in its own transaction (on SQLite it never holds up
    the API's writers); only the insert takes the write lock."""
    kept = 0
    for period in wanted:
        if not ended(period, now):
            continue
        with read.begin() as session:
            if session.get(ReportWeek, period.last_day) is not None:
                continue
            counted = count(session, period)
        with write.begin() as session:
            kept += keep(session, period, counted)
    return kept
