"""The report as people read it: translated sections of headed tables, the
same for every format that draws tables (text, markdown, HTML, XLSX). Cells
stay typed (int, float, date, str) so each format can show them its way;
words come from the message catalogue only."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from server.reports.i18n import date_text, label, phrase
from server.reports.model import WarningSection, WeeklyReport

Cell = Any  # int | float | str | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Table:
    key: str  # stable name (xlsx sheet, html id)
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    # Row indexes that add up the rows under them (subtotals, totals): drawn bold.
    strong: frozenset[int] = frozenset()
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: list[Table]


def severity(value: str, lang: str) -> str:
    return phrase(value or "unknown", lang)


def yes(value: bool, lang: str) -> str:
    return phrase("yes", lang) if value else ""


def unit_cell(name: str, depth: int) -> str:
    # tabulate strips leading spaces, so depth shows as dots.
    return "· " * depth + name


def period_line(report: WeeklyReport, lang: str) -> str:
    p = report.period
    return phrase("report_week", lang, week=p.iso_week, start=date_text(p.start.date()), end=date_text(p.last_day))


def units_line(report: WeeklyReport, lang: str) -> str:
    return phrase("report_units", lang, units=", ".join(report.units) or phrase("all_units", lang))


def sections(report: WeeklyReport, lang: str) -> list[Section]:
    return [_summary(report, lang), _warnings(report, lang), _units(report, lang), _actions(report, lang),
            _changes(report, lang), _silent(report, lang), _trend(report, lang)]


def _summary(report: WeeklyReport, lang: str) -> Section:
    s, before = report.summary, report.summary.previous
    figures = [("summary_hosts", s.hosts, "hosts"), ("summary_reporting", s.reporting, "reporting"),
               ("summary_with_gaps", s.with_gaps, "with_gaps"),
               ("summary_compliant", s.compliant_percent, "compliant_percent"),
               ("summary_open", s.open_gaps, "open_gaps"), ("summary_overdue", s.overdue_gaps, "overdue_gaps"),
               ("summary_overdue_hosts", s.overdue_hosts, "overdue_hosts")]
    rows: list[list[Cell]] = []
    for key, value, field_name in figures:
        then = before.get(field_name)
        change = None if then is None else round(value - then, 1)
        rows.append([phrase(key, lang), value, then, _signed(change, lang)])
    if s.botnet_listed:
        rows.insert(0, [phrase("summary_botnet", lang), f"{s.botnet_handled}/{s.botnet_listed}", None, ""])
    for name, count in s.open_by_severity.items():
        rows.append([phrase("of_which", lang, severity=severity(name, lang)), count, None, ""])
    headers = [label("metric", lang), label("this_week", lang), label("previous_week", lang), label("change", lang)]
    return Section("summary", phrase("section_summary", lang), [Table("summary", "", headers, rows)])


def _signed(change: float | None, lang: str) -> str:
    if change is None:
        return ""
    text = f"{change:g}"
    text = text.replace(".", ",") if lang == "vi" else text
    return f"+{text}" if change > 0 else text


def _warning_title(section: WarningSection, lang: str) -> tuple[str, list[str]]:
    title = f"{section.number} — {section.subject}".strip(" —")
    notes = [phrase("issued", lang, date=date_text(section.issued_on) or "-", body=section.issuing_body or "-"),
             phrase("warning_deadline", lang, deadline=date_text(section.deadline) or phrase("no_deadline", lang))]
    if section.due_soon:
        notes.append("⚠ " + phrase("due_soon", lang))
    if section.overdue:
        notes.append("⚠ " + phrase("past_deadline", lang))
    return title, notes


def _warnings(report: WeeklyReport, lang: str) -> Section:
    headers = [label(k, lang) for k in ("unit", "handled_of_total", "affected", "handled", "unpatched",
                                        "overdue_machines", "not_reporting")]
    tables = []
    for section in report.warnings:
        title, notes = _warning_title(section, lang)
        rows = [[unit_cell(r.unit, r.depth), f"{r.handled}/{r.affected}", r.affected, r.handled, r.unpatched,
                 r.overdue, r.not_reporting] for r in section.rows]
        strong = {i for i, r in enumerate(section.rows) if r.subtotal}
        t = section.total
        rows.append([phrase("TOTAL", lang), f"{t.handled}/{t.affected}", t.affected, t.handled, t.unpatched,
                     t.overdue, t.not_reporting])
        strong.add(len(rows) - 1)
        tables.append(Table(f"warning-{len(tables) + 1}", title, headers, rows, frozenset(strong), notes))
    if not tables:
        tables.append(Table("warnings", "", headers, []))
    return Section("warnings", phrase("section_warnings", lang), tables)


def _units(report: WeeklyReport, lang: str) -> Section:
    keys = ["unit", "code", "hosts", "reporting", "compliant_percent", "open_gaps_total", "overdue_gaps",
            "oldest_gap_days"]
    listed = report.summary.botnet_listed > 0
    headers = [label(k, lang) for k in keys] + ([phrase("summary_botnet", lang)] if listed else [])
    rows = [[unit_cell(r.unit, r.depth), r.code, r.hosts, r.reporting, r.compliant_percent, r.open_gaps,
             r.overdue_gaps, r.oldest_gap_days] + ([f"{r.botnet_handled}/{r.botnet_listed}"] if listed else [])
            for r in report.per_unit]
    strong = frozenset(i for i, r in enumerate(report.per_unit) if r.subtotal)
    return Section("units", phrase("section_units", lang), [Table("units", "", headers, rows, strong)])


def _actions(report: WeeklyReport, lang: str) -> Section:
    headers = [label(k, lang) for k in ("priority", "host", "unit", "address", "os", "build", "gaps", "exploited",
                                        "overdue", "worst_advisory", "worst_severity", "worst_item", "install",
                                        "oldest_days")]
    rows = [[r.priority, ("⚑ " if r.botnet_listed else "") + r.host, r.unit, r.address, r.os, r.build, r.gaps,
             yes(r.exploited, lang),
             yes(r.overdue, lang), r.worst_advisory, severity(r.worst_severity, lang), r.worst_item, r.install,
             r.oldest_days] for r in report.actions]
    more = report.summary.with_gaps - len(report.actions)
    notes = [phrase("more_actions", lang, count=more)] if more > 0 else []
    if any(r.botnet_listed for r in report.actions):
        notes.insert(0, "⚑ " + phrase("botnet_first", lang))
    return Section("actions", phrase("section_actions", lang), [Table("actions", "", headers, rows, notes=notes)])


def _changes(report: WeeklyReport, lang: str) -> Section:
    headers = [label(k, lang) for k in ("host", "unit", "advisory", "severity", "cves", "at")]

    def table(key: str, rows, total: int) -> Table:  # type: ignore[no-untyped-def]
        return Table(key, phrase(f"section_{key}", lang), headers,
                     [[r.host, r.unit, r.advisory, severity(r.severity, lang), r.items, r.at] for r in rows],
                     notes=_more("more_changes", len(rows), total, lang))

    return Section("changes", phrase("section_changes", lang), [table("new", report.new, report.new_total),
                                                                 table("resolved", report.resolved,
                                                                       report.resolved_total)])


def _silent(report: WeeklyReport, lang: str) -> Section:
    silent = Table("silent", phrase("section_silent_hosts", lang, days=report.stale_days),
                   [label(k, lang) for k in ("host", "unit", "last_report", "days_silent")],
                   [[r.host, r.unit, r.last_report.date() if r.last_report else phrase("never", lang),
                     r.days_silent] for r in report.silent],
                   notes=_more("more_hosts", len(report.silent), report.silent_total, lang))
    eol = Table("end_of_life", phrase("section_eol", lang),
                [label(k, lang) for k in ("host", "unit", "os", "release", "end_of_support")],
                [[r.host, r.unit, r.os, r.release, r.end_of_support] for r in report.end_of_life],
                notes=_more("more_hosts", len(report.end_of_life), report.end_of_life_total, lang))
    return Section("silent", phrase("section_silent", lang), [silent, eol])


def _more(key: str, shown: int, total: int, lang: str) -> list[str]:
    """The note over a list cut short (``build``'s ``max_rows``)."""
    return [phrase(key, lang, shown=shown, total=total)] if total > shown else []


def _trend(report: WeeklyReport, lang: str) -> Section:
    headers = [label("iso_week", lang), label("week_end", lang), phrase("trend_open", lang),
               phrase("trend_overdue", lang), phrase("trend_reporting", lang)]
    rows = [[p.iso_week, p.week_end, p.open_gaps, p.overdue_gaps, p.reporting] for p in report.trend]
    return Section("trend", phrase("section_trend", lang), [Table("trend", "", headers, rows)])


def cell_text(value: Cell, lang: str) -> str:
    """A cell as plain text (text and markdown formats)."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return date_text(value.date() if isinstance(value, dt.datetime) else value)
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang == "vi" else text
    return str(value)
