"""XLSX for people who rework the figures: one sheet per section, typed cells
(real dates shown dd/mm/yyyy, numbers as numbers), frozen headers, widths
from the content; national warnings laid out as a unit reports them upward;
and every open host–advisory pair on its own sheet when the report has them."""
from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.reports.formats.csv import COLUMNS as GAP_COLUMNS
from server.reports.i18n import label, phrase
from server.reports.layout import (Cell, Section, Table, cell_text, period_line, sections, severity, units_line,
                                   yes)
from server.reports.model import WeeklyReport

DATE, DATETIME, ONE_DECIMAL = "dd/mm/yyyy", "dd/mm/yyyy hh:mm", "0.0"
SIGNED = {int: "+0;-0;0", float: "+0.0;-0.0;0.0"}
BOLD, TITLE, ITALIC = Font(bold=True), Font(bold=True, size=13), Font(italic=True, color="555555")
HEADER_FILL, STRONG_FILL = PatternFill("solid", fgColor="E6E6E6"), PatternFill("solid", fgColor="F2F2F2")
ALERT_FILLS = {"due_soon": PatternFill("solid", fgColor="FFF0BF"), "past_deadline": PatternFill("solid", fgColor="FBD9D3")}
EMPHASIS_FILL = PatternFill("solid", fgColor="FFF4CC")
THIN = Side(style="thin", color="777777")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


class Sheet:
    """A worksheet written top-down; remembers the widest text of each column."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws, self.row = ws, 1
        self.widths: dict[int, int] = {}

    def line(self, values: list[Cell], font: Font | None = None, fill: PatternFill | None = None) -> None:
        """A title or note row: not measured, so long text overflows to the right."""
        for column, value in enumerate(values, 1):
            cell = self.ws.cell(self.row, column, _value(value))
            _format(cell, value)
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
        self.row += 1

    def cells(self, values: list[Cell], lang: str, *, header: bool = False, strong: bool = False,
              emphasis: frozenset[int] = frozenset()) -> None:
        for column, value in enumerate(values, 1):
            depth = 0
            if column == 1 and isinstance(value, str) and value.startswith("· "):
                # The layout shows a unit's depth as leading dots; a spreadsheet indents.
                name = value.lstrip("· ")
                depth, value = (len(value) - len(name)) // 2, name
            cell = self.ws.cell(self.row, column, _value(value))
            # One named style a kind of cell: setting border, font and fill one
            # by one makes openpyxl hash each of them for every cell.
            cell.style = ("pg_header" if header else "pg_strong" if strong
                          else "pg_emphasis" if column - 1 in emphasis else "pg_box")
            _format(cell, value)
            if depth:
                cell.alignment = Alignment(indent=depth)
            text = cell_text(value, lang)
            width = min(len(text), 18) if header else len(text) + 2 * depth
            self.widths[column] = max(self.widths.get(column, 8), width + 2)
        self.row += 1

    def freeze(self) -> None:
        """Keep every row above the current one in view."""
        self.ws.freeze_panes = f"A{self.row}"

    def finish(self) -> None:
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH)


def _value(value: Cell) -> Cell:
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write UTC wall-clock time (as the other formats print it).
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    return value


def _format(cell, value: Cell) -> None:  # type: ignore[no-untyped-def]
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME
    elif isinstance(value, dt.date):
        cell.number_format = DATE
    elif isinstance(value, float):
        cell.number_format = ONE_DECIMAL


def sheet_name(text: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique, no apostrophe at either end."""
    base = FORBIDDEN.sub("-", text).strip("' ")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _signed_number(text: Cell) -> Cell:
    """The summary's change column ("+7.2", "+7,2", "-1") as a number."""
    if isinstance(text, str) and re.fullmatch(r"[+-]?\d+([.,]\d+)?", text):
        text = text.replace(",", ".")
        return float(text) if "." in text else int(text)
    return None if text == "" else text


def _heading(sheet: Sheet, title: str, report: WeeklyReport, lang: str) -> None:
    sheet.line([title], TITLE)
    sheet.line([period_line(report, lang)])
    sheet.line([units_line(report, lang)])
    sheet.row += 1


def _table(sheet: Sheet, table: Table, lang: str, freeze: bool) -> None:
    if table.title:
        sheet.line([table.title], BOLD)
    for note in table.notes:
        sheet.line([note], ITALIC)
    sheet.cells(table.headers, lang, header=True)
    if freeze:
        sheet.freeze()
    if not table.rows:
        sheet.line([phrase("none_this_week", lang)], ITALIC)
    change = table.headers.index(label("change", lang)) if label("change", lang) in table.headers else None
    for index, row in enumerate(table.rows):
        if change is not None:
            row = row[:change] + [_signed_number(row[change])] + row[change + 1:]
        sheet.cells(row, lang, strong=index in table.strong)
        if change is not None and isinstance(row[change], (int, float)):
            sheet.ws.cell(sheet.row - 1, change + 1).number_format = SIGNED[type(row[change])]
    sheet.row += 1


def _section(sheet: Sheet, section: Section, report: WeeklyReport, lang: str) -> None:
    _heading(sheet, section.title, report, lang)
    same_headers = len({tuple(t.headers) for t in section.tables}) == 1
    if not same_headers:
        sheet.freeze()  # tables with different headers: keep the sheet's title in view only
    for number, table in enumerate(section.tables):
        _table(sheet, table, lang, freeze=same_headers and number == 0)


def _warnings(sheet: Sheet, report: WeeklyReport, section: Section, lang: str) -> None:
    """Each warning: a title row (number, issued, deadline, subject — issuing body), its state, then the unit
    table with handled / total, as a unit reports upward."""
    _heading(sheet, section.title, report, lang)
    legend = [label(k, lang) for k in ("number", "issued_on", "deadline")]
    sheet.line(legend + [f"{label('subject', lang)} — {label('issuing_body', lang)}"], ITALIC)
    sheet.freeze()
    if not report.warnings:
        sheet.line([phrase("none_this_week", lang)], ITALIC)
    for warning, table in zip(report.warnings, section.tables):
        subject = " — ".join(part for part in (warning.subject, warning.issuing_body) if part)
        sheet.line([warning.number, warning.issued_on, warning.deadline, subject], BOLD)
        for key, flag in (("due_soon", warning.due_soon), ("past_deadline", warning.overdue)):
            if flag:
                sheet.line([f"⚠ {phrase(key, lang)}"], BOLD, ALERT_FILLS[key])
        emphasis = frozenset(i for i, h in enumerate(table.headers) if h == label("handled_of_total", lang))
        sheet.cells(table.headers, lang, header=True)
        for index, row in enumerate(table.rows):
            sheet.cells(row, lang, strong=index in table.strong, emphasis=emphasis)
        sheet.row += 1
    sheet.widths[1] = max(sheet.widths.get(1, 8), 18)  # the warning's number sits in the unit column


def _gaps(sheet: Sheet, report: WeeklyReport, lang: str) -> None:
    _heading(sheet, phrase("gaps_title", lang), report, lang)
    sheet.cells([label(c, lang) for c in GAP_COLUMNS], lang, header=True)
    sheet.freeze()
    if report.gaps_left_out:
        sheet.line([phrase("gaps_in_csv", lang, count=report.gaps_left_out)])
        return
    first = sheet.row - 1
    for g in report.gaps:
        sheet.cells([g.host, g.unit, g.advisory, g.warning, severity(g.severity, lang), g.cves, g.items, g.installed,
                     g.install, g.deadline, yes(g.overdue, lang), yes(g.exploited, lang), g.first_detected], lang)
    sheet.ws.auto_filter.ref = f"A{first}:{get_column_letter(len(GAP_COLUMNS))}{sheet.row - 1}"


def _named_styles(book: Workbook) -> None:
    centred = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for name, font, fill, alignment in (("pg_box", None, None, None), ("pg_header", BOLD, HEADER_FILL, centred),
                                        ("pg_strong", BOLD, STRONG_FILL, None),
                                        ("pg_emphasis", BOLD, EMPHASIS_FILL, None)):
        style = NamedStyle(name=name, border=BOX)
        if font:
            style.font, style.fill = font, fill
        if alignment:
            style.alignment = alignment
        book.add_named_style(style)


def render(report: WeeklyReport, lang: str) -> bytes:
    book, taken = Workbook(), set[str]()
    book.remove(book.active)
    _named_styles(book)
    for section in sections(report, lang):
        sheet = Sheet(book.create_sheet(sheet_name(phrase(f"sheet_{section.key}", lang), taken)))
        if section.key == "warnings":
            _warnings(sheet, report, section, lang)
        else:
            _section(sheet, section, report, lang)
        sheet.finish()
    if report.gaps or report.gaps_left_out:
        sheet = Sheet(book.create_sheet(sheet_name(phrase("sheet_gaps", lang), taken)))
        _gaps(sheet, report, lang)
        sheet.finish()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
