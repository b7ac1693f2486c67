"""The weekly patch-gap table for the unit meeting: per unit, how many hosts,
how many reported this week, how many still miss a fix, how many are past a
deadline. Computed at a moment, so any past week can be printed again."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db.models import Advisory, Finding, Host, Unit
from server.queries import Row, open_at


@dataclass(frozen=True)
class Week:
    end: dt.datetime  # exclusive end of the week, UTC

    @property
    def start(self) -> dt.datetime:
        return self.end - dt.timedelta(days=7)

    @classmethod
    def ending(cls, day: dt.date) -> Week:
        """The seven days up to and including ``day``."""
        end = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
        return cls(end)


def weekly(session: Session, week: Week) -> list[Row]:
    as_of = week.end
    hosts_per_unit = dict(
        session.execute(
            select(Unit.name, func.count(Host.id))
            .join(Host, Host.unit_id == Unit.id)
            .where(Host.enrolled_at < as_of)
            .group_by(Unit.name)
        ).all()
    )
    reporting = dict(
        session.execute(
            select(Unit.name, func.count(Host.id))
            .join(Host, Host.unit_id == Unit.id)
            .where(Host.last_report_at >= week.start, Host.last_report_at < as_of)
            .group_by(Unit.name)
        ).all()
    )
    with_gaps = _hosts_with_findings(session, as_of, overdue=False)
    overdue = _hosts_with_findings(session, as_of, overdue=True)
    open_findings = dict(
        session.execute(
            select(Unit.name, func.count(Finding.id))
            .join(Host, Host.id == Finding.host_id)
            .join(Unit, Unit.id == Host.unit_id)
            .where(open_at(as_of))
            .group_by(Unit.name)
        ).all()
    )
    rows = []
    for unit in sorted(hosts_per_unit):
        total = hosts_per_unit[unit]
        gaps = with_gaps.get(unit, 0)
        rows.append(
            {
                "unit": unit,
                "hosts": total,
                "reporting": reporting.get(unit, 0),
                "hosts_with_gaps": gaps,
                "compliant": total - gaps,
                "overdue_hosts": overdue.get(unit, 0),
                "open_findings": open_findings.get(unit, 0),
            }
        )
    if len(rows) > 1:
        rows.append({"unit": "TOTAL", **{k: sum(r[k] for r in rows) for k in rows[0] if k != "unit"}})
    return rows


def _hosts_with_findings(session: Session, as_of: dt.datetime, overdue: bool) -> dict[str, int]:
    query = (
        select(Unit.name, func.count(func.distinct(Finding.host_id)))
        .join(Host, Host.id == Finding.host_id)
        .join(Unit, Unit.id == Host.unit_id)
        .where(open_at(as_of))
        .group_by(Unit.name)
    )
    if overdue:
        query = query.join(Advisory, Advisory.id == Finding.advisory_pk).where(
            Advisory.deadline.is_not(None), Advisory.deadline < as_of.date()
        )
    return dict(session.execute(query).all())
