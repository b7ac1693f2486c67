"""Each host's open gaps at the end of a week: counted from the findings
history for a week still running, kept in ``week_host_gaps`` once a week has
ended. Findings are stamped by the server as they open and close, so an
ended week's figures never change; keeping them lets the report and its
12-week trend read one row per host and week instead of every finding open
at each week's end (two million at a province)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, delete, func, insert, select, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from server.db.models import Advisory, Finding, ReportWeek, WeekHostGaps
from server.db.upsert import insert_or_skip
from server.queries import open_at
from server.reports import period as periods
from server.reports.model import Period

SEVERITIES = ("critical", "high", "medium", "low", "unknown")
_SEVERITY_INDEX = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class HostWeek:
    open_gaps: int
    overdue_gaps: int
    by_severity: tuple[int, int, int, int, int]  # findings, in SEVERITIES order
    oldest_open: dt.datetime
    worst_advisory_pk: int | None
    worst_rank: int  # see rank(); lower is worse
    worst_first_detected: dt.datetime


def rank(exploited: bool, late: bool, severity: str) -> int:
    """The report's priority of a host–advisory pair as one number: known
    exploited and overdue first, then exploited, then overdue, then severity."""
    return ((0 if exploited and late else 1) << 5 | (0 if exploited else 1) << 4 | (0 if late else 1) << 3
            | _SEVERITY_INDEX.get(severity, 4))


def _utc(value: object) -> dt.datetime:
    """A timestamp read without the column type's conversion: SQLite gives
    its stored text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def _advisory_terms(session: Session, day: dt.date) -> dict[int, tuple[int, int, bool]]:
    """advisory id -> (severity index, rank, overdue) as they stand on ``day``,
    for advisories with open findings."""
    query = (select(Advisory.id, Advisory.severity, Advisory.exploited, Advisory.deadline, Advisory.kev_due_date)
             .where(Advisory.id.in_(select(Finding.advisory_pk).distinct())))
    terms = {}
    for pk, severity, exploited, deadline, kev_due in session.execute(query):
        severity = (severity or "").lower()
        severity = severity if severity in _SEVERITY_INDEX else "unknown"
        late = any(d is not None and d < day for d in (deadline, kev_due))
        terms[pk] = (_SEVERITY_INDEX[severity], rank(bool(exploited), late, severity), late)
    return terms


def count(session: Session, at: dt.datetime, host_ids: set[int] | None = None) -> dict[int, HostWeek]:
    """Every host's open gaps at ``at`` (only ``host_ids`` when given), from
    the findings history: one pass over the pairs open then."""
    terms = _advisory_terms(session, at.date())
    query = (select(Finding.host_id, Finding.advisory_pk, func.count(),
                    type_coerce(func.min(Finding.first_detected), String))
             .where(open_at(at)).group_by(Finding.host_id, Finding.advisory_pk))
    if host_ids is not None:
        query = query.where(Finding.host_id.in_(sorted(host_ids)))
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
    return {host_id: HostWeek(t[0], t[1], (t[2], t[3], t[4], t[5], t[6]), _utc(t[7]), t[8][2], t[8][0], _utc(t[8][1]))
            for host_id, t in totals.items()}


def read_kept(session: Session, period: Period) -> dict[int, HostWeek] | None:
    """The kept figures of ``period``, or None when it is not kept."""
    if session.get(ReportWeek, period.last_day) is None:
        return None
    rows = session.scalars(select(WeekHostGaps).where(WeekHostGaps.last_day == period.last_day))
    return {r.host_id: HostWeek(r.open_gaps, r.overdue_gaps, (r.critical, r.high, r.medium, r.low, r.unknown),
                                r.oldest_open, r.worst_advisory_pk, r.worst_rank, r.worst_first_detected)
            for r in rows}


def figures(session: Session, period: Period) -> dict[int, HostWeek]:
    """The figures of ``period``: kept, or counted when it is not."""
    kept = read_kept(session, period)
    return kept if kept is not None else count(session, period.end)


def keep(session: Session, period: Period, counted: dict[int, HostWeek]) -> bool:
    """Store an ended week's figures, unless another process did first
    (then False). ``counted`` comes from ``count`` in a reading transaction,
    so the write lock is held only for the insert."""
    claimed = session.execute(insert_or_skip(session, ReportWeek, ["last_day"]).values(
        last_day=period.last_day, taken_at=dt.datetime.now(dt.timezone.utc)))
    if not claimed.rowcount:
        return False
    session.execute(delete(WeekHostGaps).where(WeekHostGaps.last_day == period.last_day))
    rows = [{"last_day": period.last_day, "host_id": h, "open_gaps": w.open_gaps, "overdue_gaps": w.overdue_gaps,
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
            counted = count(session, period.end)
        with write.begin() as session:
            kept += keep(session, period, counted)
    return kept
