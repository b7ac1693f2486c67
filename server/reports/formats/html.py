"""HTML to print and sign: one self-contained file (inline CSS and SVG, no
network at all) laid out for A4 portrait. In Vietnamese it opens as an
administrative report (issuing unit, national name and motto, place and date)
and closes with the preparer's and the head of unit's signatures."""
from __future__ import annotations

import datetime as dt
from html import escape

from server.reports.formats.html_chart import trend_svg
from server.reports.formats.html_style import stylesheet
from server.reports.i18n import date_text, label, phrase
from server.reports.layout import Cell, Section, Table, cell_text, period_line, sections, units_line
from server.reports.model import WeeklyReport

# NOTE: the report keeps UTC; a document signed in Vietnam is dated in its own
# time (UTC+7, no daylight saving), or a report made after 17:00 UTC would be
# dated the day before.
VIETNAM = dt.timezone(dt.timedelta(hours=7))
PLACE = "……"  # the place is written by hand on the printed page
WIDE = 9  # tables with more columns than this print in a smaller type


def _vn_date(day: dt.date, lang: str) -> str:
    # Decree 30/2020/NĐ-CP: a zero before days 1–9 and before months 1 and 2.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return phrase("place_date", lang, place=PLACE, day=f"{day.day:02d}", month=month, year=day.year,
                  date=date_text(day))


def _vi_header(report: WeeklyReport, lang: str) -> list[str]:
    units = ", ".join(report.units) or phrase("all_units", lang)
    issued = report.generated_at.astimezone(VIETNAM).date()
    return [
        '<header class="masthead">',
        f'<div><div class="unit-name">{escape(units.upper())}</div><div class="short-rule"></div>'
        f'<div class="document-number">{escape(phrase("document_number", lang))}</div></div>',
        f'<div><div class="nation-name">{escape(phrase("national_name", lang))}</div>'
        f'<div class="motto">{escape(phrase("national_motto", lang))}</div>'
        f'<div class="place-date">{escape(_vn_date(issued, lang))}</div></div>',
        "</header>",
        f"<h1>{escape(phrase('report_title', lang).upper())}</h1>",
        f'<p class="week">{escape(period_line(report, lang))}</p>',
    ]


def _plain_header(report: WeeklyReport, lang: str) -> list[str]:
    lines = [period_line(report, lang), units_line(report, lang),
             phrase("report_generated", lang, at=date_text(report.generated_at))]
    return ['<header class="plain-header">', f"<h1>{escape(phrase('report_title', lang))}</h1>",
            *(f"<p>{escape(line)}</p>" for line in lines), '<div class="week"></div>', "</header>"]


def _note(note: str, lang: str) -> str:
    kind = {f"⚠ {phrase('due_soon', lang)}": "alert due-soon",
            f"⚠ {phrase('past_deadline', lang)}": "alert overdue"}.get(note, "note")
    return f'<p class="{kind}">{escape(note)}</p>'


def _cell(value: Cell, lang: str, column: str) -> str:
    """One ``<td>``; ``column`` is "unit", "host", "handled_of_total", "change" or ""."""
    text = cell_text(value, lang)
    style = ""
    if column == "change" and text and lang == "vi":
        text = text.replace(".", ",")  # the summary's change ("+7.2") is text in the layout
    if column == "unit" and text.startswith("· "):
        # The layout shows a unit's depth as leading dots; print it as an indent.
        name = text.lstrip("· ")
        depth = (len(text) - len(name)) // 2
        style = f' style="padding-left:{1.2 + 3.5 * depth:.1f}mm"'
        text = name
    number = isinstance(value, (int, float)) and not isinstance(value, bool) or column == "change"
    classes = ["num"] if number else ["date"] if isinstance(value, dt.date) else []
    if column in ("unit", "host"):
        classes = [column]
    if column == "handled_of_total":
        classes = ["emphasis"]
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attr}{style}>{escape(text)}</td>"


def _table(table: Table, lang: str) -> list[str]:
    out = [f"<h3>{escape(table.title)}</h3>"] if table.title else []
    out += [_note(note, lang) for note in table.notes] if table.title else []
    if not table.rows:
        out.append(f'<p class="none">{escape(phrase("none_this_week", lang))}</p>')
    else:
        kinds = {label(k, lang): k for k in ("unit", "host", "handled_of_total", "change")}
        columns = [kinds.get(h, "") for h in table.headers]
        urgent = _urgent_rows(table, lang)
        wide = " wide" if len(table.headers) > WIDE else ""
        out.append(f'<table class="data{wide}" id="{escape(table.key)}"><thead><tr>')
        out += [f'<th class="emphasis">{escape(h)}</th>' if kind == "handled_of_total" else f"<th>{escape(h)}</th>"
                for h, kind in zip(table.headers, columns)]
        out.append("</tr></thead><tbody>")
        for index, row in enumerate(table.rows):
            shade = "strong" if index in table.strong else "urgent" if index in urgent else ""
            out.append(f'<tr class="{shade}">' if shade else "<tr>")
            out += [_cell(value, lang, kind) for value, kind in zip(row, columns)]
            out.append("</tr>")
        out.append("</tbody></table>")
    out += [] if table.title else [_note(note, lang) for note in table.notes]
    return out


def _urgent_rows(table: Table, lang: str) -> set[int]:
    """Hosts needing action whose gaps are both exploited and overdue."""
    columns = [table.headers.index(label(k, lang)) for k in ("exploited", "overdue") if label(k, lang) in table.headers]
    if table.key != "actions" or len(columns) < 2:
        return set()
    return {i for i, row in enumerate(table.rows) if all(row[c] for c in columns)}


def _section(section: Section, report: WeeklyReport, lang: str) -> list[str]:
    out = [f'<section id="{escape(section.key)}">', f"<h2>{escape(section.title)}</h2>"]
    if section.key == "trend" and report.trend:
        out += ['<figure class="chart">', f"<figcaption>{escape(phrase('chart_title', lang))}</figcaption>",
                trend_svg(report.trend, lang), "</figure>"]
    for table in section.tables:
        out += _table(table, lang)
    out.append("</section>")
    return out


def _signatures(lang: str) -> list[str]:
    def block(key: str) -> str:
        return (f'<div><div class="role">{escape(phrase(key, lang))}</div>'
                f'<div class="hint">{escape(phrase("sign_hint", lang))}</div><div class="space"></div></div>')

    return ['<div class="signatures">', block("prepared_by"), block("head_of_unit"), "</div>"]


def render(report: WeeklyReport, lang: str) -> bytes:
    body = _vi_header(report, lang) if lang == "vi" else _plain_header(report, lang)
    for section in sections(report, lang):
        body += _section(section, report, lang)
    body += _signatures(lang)
    page = ["<!DOCTYPE html>", f'<html lang="{escape(lang)}">', "<head>", '<meta charset="utf-8">',
            f"<title>{escape(phrase('report_title', lang))} — {escape(report.period.iso_week)}</title>",
            f"<style>{stylesheet(lang)}</style>", "</head>", "<body>", *body, "</body>", "</html>"]
    return ("\n".join(page) + "\n").encode("utf-8")
