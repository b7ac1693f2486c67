"""Ended weeks are counted once and kept (``server.reports.weeks``): a
report read from kept figures must be the very report counted from the
findings history, on both databases, and stay so when new findings arrive."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from server.db.engine import make_engine, make_reader, make_sessionmaker
from server.db.models import Finding, ReportWeek, WeekHostGaps
from server.reports import formats, period as periods, weeks
from server.reports.build import TREND_WEEKS
from tests.reports_fleet import GENERATED, WEEK, build_fleet, weekly

AFTER_THE_WEEKS = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


@pytest.fixture()
def fleet(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    build_fleet(sessions)
    yield engine, sessions
    engine.dispose()


@pytest.mark.postgres
def test_a_report_from_kept_weeks_is_the_counted_report(fleet) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = fleet
    counted = weekly(sessions)
    wanted = weeks.needed(WEEK, TREND_WEEKS)
    assert weeks.keep_ended(make_reader(engine), sessions, wanted, AFTER_THE_WEEKS) == TREND_WEEKS + 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReportWeek)) == TREND_WEEKS + 1
        assert session.scalar(select(func.count()).select_from(WeekHostGaps)) > 0
        for period in wanted:  # each kept week holds what counting gives
            assert weeks.read_kept(session, period) == weeks.count(session, period)
    kept = weekly(sessions)
    assert dataclasses.asdict(kept) == dataclasses.asdict(counted)
    assert formats.render(kept, "text", "vi") == formats.render(counted, "text", "vi")
    # Asked again, nothing is counted twice.
    assert weeks.keep_ended(make_reader(engine), sessions, wanted, AFTER_THE_WEEKS) == 0


@pytest.mark.postgres
def test_a_week_not_ended_is_counted_each_time_and_never_kept(fleet) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = fleet
    during = WEEK.end - dt.timedelta(hours=1)
    assert weeks.keep_ended(make_reader(engine), sessions, [WEEK], during) == 0
    with sessions() as session:
        assert session.get(ReportWeek, WEEK.last_day) is None
        assert weeks.figures(session, WEEK) == weeks.count(session, WEEK)


@pytest.mark.postgres
def test_a_kept_week_stays_as_it_stood_when_new_findings_arrive(fleet) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = fleet
    weeks.keep_ended(make_reader(engine), sessions, weeks.needed(WEEK, TREND_WEEKS), AFTER_THE_WEEKS)
    before = weekly(sessions)
    with sessions.begin() as session:  # the next week: every open finding closes, one more opens
        later = WEEK.end + dt.timedelta(days=2)
        some = session.scalars(select(Finding).where(Finding.resolved_at.is_(None))).all()
        assert some
        for finding in some:
            finding.resolved_at = later
        session.add(Finding(host_id=some[0].host_id, advisory_pk=some[0].advisory_pk, software_id=0,
                            matcher="test", first_detected=later))
    assert dataclasses.asdict(weekly(sessions)) == dataclasses.asdict(before)
    with sessions() as session:  # the week after does see them
        assert weeks.count(session, periods.previous(WEEK, -1)) != weeks.count(session, WEEK)


def test_rank_orders_as_the_report_priority() -> None:
    # Known exploited and overdue, then exploited, then overdue, then severity.
    order = [weeks.rank(True, True, "low"), weeks.rank(True, False, "critical"), weeks.rank(False, True, "low"),
             weeks.rank(False, False, "critical"), weeks.rank(False, False, "high"),
             weeks.rank(False, False, "medium"), weeks.rank(False, False, "low"),
             weeks.rank(False, False, "unknown")]
    assert order == sorted(order) and len(set(order)) == len(order)
    for exploited, late, severity in [(True, True, "low"), (False, True, "high"), (True, False, "unknown")]:
        packed = weeks.rank(exploited, late, severity)
        assert (weeks.exploited(packed), weeks.late(packed), weeks.severity(packed)) == (exploited, late, severity)


def test_long_lists_of_changes_are_cut_with_their_total(fleet) -> None:  # type: ignore[no-untyped-def]
    _engine, sessions = fleet
    full = weekly(sessions)
    assert full.resolved_total == len(full.resolved) > 2
    with make_reader(_engine).begin() as session:
        from server.reports.build import build

        cut = build(session, WEEK, [], now=GENERATED, max_rows=2)
    assert cut.resolved == full.resolved[:2] and cut.resolved_total == full.resolved_total
    text = formats.render(cut, "text", "en").decode()
    assert f"The 2 most severe of {full.resolved_total} pairs are listed" in text
    assert f"Liệt kê 2 cặp nghiêm trọng nhất trong tổng số {full.resolved_total} cặp" in formats.render(
        cut, "text", "vi").decode()


def test_a_gap_list_past_its_limit_is_left_out_with_its_count(fleet) -> None:  # type: ignore[no-untyped-def]
    engine, _sessions = fleet
    from server.reports.build import build

    with make_reader(engine).begin() as session:
        whole = build(session, WEEK, [], now=GENERATED, with_gaps=True, max_gaps=10_000)
        left_out = build(session, WEEK, [], now=GENERATED, with_gaps=True, max_gaps=whole.summary.open_gaps - 1)
    assert whole.gaps and not whole.gaps_left_out
    assert left_out.gaps == [] and left_out.gaps_left_out == whole.summary.open_gaps
    assert dataclasses.replace(left_out, gaps=whole.gaps, gaps_left_out=0) == whole
