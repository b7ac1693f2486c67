"""The weekly meeting report as data: computed once (``server.reports.build``),
rendered by one small module per format (``server.reports.formats``).

Values are plain: counts, dates, codes. Words a reader sees (labels,
severities, headings) are looked up in the message catalogue by the
renderers, so every format says the same thing in either language.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Period:
    """The reported week: ``start`` inclusive, ``end`` exclusive (UTC midnights)."""

    start: dt.datetime
    end: dt.datetime
    iso_week: str  # "2026-W48"

    @property
    def last_day(self) -> dt.date:
        return (self.end - dt.timedelta(days=1)).date()


@dataclass(frozen=True)
class Summary:
    hosts: int
    reporting: int
    with_gaps: int
    compliant_percent: float  # hosts without open gaps, of all hosts
    open_by_severity: dict[str, int]  # critical, high, medium, low, unknown
    open_gaps: int
    overdue_gaps: int
    overdue_hosts: int
    # The same figures at the end of the previous week, for the change column.
    previous: dict[str, float] = field(default_factory=dict)
    # Hosts on an imported botnet list, and of those the ones with no open gap.
    botnet_listed: int = 0
    botnet_handled: int = 0


@dataclass(frozen=True)
class WarningUnitRow:
    """One unit's line under one warning; ``depth`` indents the unit tree,
    ``subtotal`` marks a parent's line that adds up its subtree."""

    unit: str
    depth: int
    subtotal: bool
    affected: int  # machines affected since the warning was issued
    handled: int  # of those, fixed by the end of the week
    unpatched: int
    overdue: int
    not_reporting: int  # unpatched and silent this week: state unknown


@dataclass(frozen=True)
class WarningSection:
    number: str
    issued_on: dt.date | None
    issuing_body: str
    subject: str
    deadline: dt.date | None
    due_soon: bool  # the deadline passes within 7 days of the week's end
    overdue: bool  # the deadline has passed
    rows: list[WarningUnitRow]
    total: WarningUnitRow


@dataclass(frozen=True)
class UnitRow:
    unit: str
    code: str
    depth: int
    subtotal: bool
    hosts: int
    reporting: int
    compliant_percent: float
    open_gaps: int
    overdue_gaps: int
    oldest_gap_days: int | None
    botnet_listed: int = 0
    botnet_handled: int = 0


@dataclass(frozen=True)
class ActionRow:
    """A host that needs action, in priority order."""

    priority: int  # 1 = first
    host: str
    unit: str
    address: str
    os: str
    build: str
    gaps: int
    exploited: bool
    overdue: bool
    worst_advisory: str
    worst_severity: str
    worst_item: str
    install: str  # "upgrade to" version, or KB / build
    oldest_days: int
    botnet_listed: bool = False  # a place for the botnet list (another issue)


@dataclass(frozen=True)
class ChangeRow:
    """A host–advisory pair that opened (new) or closed (resolved) this week."""

    host: str
    unit: str
    advisory: str
    severity: str
    items: str
    at: dt.datetime


@dataclass(frozen=True)
class SilentRow:
    host: str
    unit: str
    last_report: dt.datetime | None
    days_silent: int | None  # None: never reported


@dataclass(frozen=True)
class EolRow:
    host: str
    unit: str
    os: str
    release: str
    end_of_support: dt.date


@dataclass(frozen=True)
class TrendPoint:
    iso_week: str
    week_end: dt.date  # last day of that week
    open_gaps: int
    overdue_gaps: int
    reporting: int


# slots and not frozen: a province's CSV holds two million, and a frozen
# dataclass's __init__ sets each field through object.__setattr__ (5x slower).
@dataclass(slots=True)
class GapRow:
    """One host–advisory line: the CSV export others keep asking for."""

    host: str
    unit: str
    advisory: str
    warning: str
    severity: str
    cves: str
    items: str
    installed: str
    install: str
    deadline: dt.date | None
    overdue: bool
    exploited: bool
    first_detected: dt.datetime


@dataclass(frozen=True)
class WeeklyReport:
    period: Period
    units: list[str]  # the units asked for ([] = all)
    generated_at: dt.datetime
    stale_days: int
    summary: Summary
    warnings: list[WarningSection]
    per_unit: list[UnitRow]
    actions: list[ActionRow]
    new: list[ChangeRow]
    resolved: list[ChangeRow]
    silent: list[SilentRow]
    end_of_life: list[EolRow]
    trend: list[TrendPoint]
    gaps: list[GapRow]
    # How many rows the lists above have in all; they may hold fewer.
    new_total: int = 0
    resolved_total: int = 0
    silent_total: int = 0
    end_of_life_total: int = 0
    # Open findings whose gap list was left out (too many for the format), or 0.
    gaps_left_out: int = 0
