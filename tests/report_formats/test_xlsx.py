"""The XLSX report read back with openpyxl: sheets named from the catalogue,
frozen headers, typed cells, bold subtotals, warnings as a unit reports them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from server.reports.formats import xlsx
from server.reports.i18n import label, phrase
from tests.report_formats.sample import weekly_report

SHEETS = ["summary", "warnings", "units", "actions", "changes", "silent", "trend", "gaps"]


def book(lang: str, **changes: object):  # type: ignore[no-untyped-def]
    report = dataclasses.replace(weekly_report(), **changes)
    return load_workbook(io.BytesIO(xlsx.render(report, lang)))


def rows(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def find(ws: Worksheet, first: object) -> int:
    """The row number whose first cell is ``first``."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_one_sheet_per_section_named_from_the_catalogue(lang: str) -> None:
    wb = book(lang)
    assert wb.sheetnames == [phrase(f"sheet_{key}", lang) for key in SHEETS]
    for ws in wb.worksheets:
        assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
        assert ws.freeze_panes is not None


def test_without_gaps_there_is_no_gaps_sheet() -> None:
    assert book("en", gaps=[]).sheetnames[-1] == phrase("sheet_trend", "en")


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_units_sheet_whole_table_typed_and_frozen_under_its_header(lang: str) -> None:
    ws = book(lang)[phrase("sheet_units", lang)]
    header = find(ws, label("unit", lang))
    assert ws.freeze_panes == f"A{header + 1}"
    assert rows(ws)[header - 1:header + 4] == [
        [label(k, lang) for k in ("unit", "code", "hosts", "reporting", "compliant_percent", "open_gaps_total",
                                  "overdue_gaps", "oldest_gap_days")],
        ["Tỉnh Lạng Sơn", "LSN", 14, 12, 42.9, 23, 6, 41],
        ["Huyện Cao Lộc", "LSN-CL", 14, 12, 42.9, 23, 6, 41],
        ["Xã Hòa Cư", "LSN-CL-HC", 8, 7, 37.5, 15, 5, 41],
        ["Xã Gia Cát", "LSN-CL-GC", 6, 5, 50.0, 8, 1, 12],
    ]
    assert ws.cell(header + 1, 5).number_format == "0.0"
    assert [ws.cell(r, 1).alignment.indent for r in range(header + 1, header + 5)] == [0, 1, 2, 2]
    # Subtotals (province, district) bold; communes not.
    assert [bool(ws.cell(r, 3).font.b) for r in range(header + 1, header + 5)] == [True, True, False, False]


def test_dates_are_real_dates_shown_day_month_year() -> None:
    ws = book("vi")[phrase("sheet_silent", "vi")]
    cell = ws.cell(find(ws, "luu-tru-01"), 5)
    assert cell.value == dt.datetime(2020, 1, 14) and cell.number_format == "dd/mm/yyyy"
    changes = book("en")[phrase("sheet_changes", "en")]
    when = changes.cell(find(changes, "van-thu-03"), 6)
    assert when.value == dt.datetime(2026, 11, 26, 14, 30) and when.number_format == "dd/mm/yyyy hh:mm"


def test_summary_change_is_a_signed_number() -> None:
    ws = book("vi")[phrase("sheet_summary", "vi")]
    compliant = find(ws, phrase("summary_compliant", "vi"))
    assert rows(ws)[compliant - 1] == [phrase("summary_compliant", "vi"), 42.9, 35.7, 7.2]
    assert ws.cell(compliant, 4).number_format == "+0.0;-0.0;0.0"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_warnings_sheet_as_a_unit_reports_upward(lang: str) -> None:
    ws = book(lang)[phrase("sheet_warnings", lang)]
    title = find(ws, "1234/CATTT-NCSC")
    assert rows(ws)[title - 1][:4] == ["1234/CATTT-NCSC", dt.datetime(2026, 11, 20), dt.datetime(2026, 12, 3),
                                      "Lỗ hổng nghiêm trọng trong Microsoft Windows <Print Spooler> & Office"
                                      " — Cục An toàn thông tin"]
    assert ws.cell(title, 3).number_format == "dd/mm/yyyy"
    assert ws.cell(title + 1, 1).value == f"⚠ {phrase('due_soon', lang)}"
    assert rows(ws)[title + 1][:2] == [label("unit", lang), label("handled_of_total", lang)]
    total = find(ws, phrase("TOTAL", lang))
    assert rows(ws)[total - 1] == [phrase("TOTAL", lang), "4/9", 9, 4, 5, 0, 1]
    assert ws.cell(total, 3).font.b
    late = find(ws, "1100/CATTT-NCSC")
    assert ws.cell(late + 1, 1).value == f"⚠ {phrase('past_deadline', lang)}"


def test_gaps_sheet_one_host_advisory_per_row() -> None:
    ws = book("vi")[phrase("sheet_gaps", "vi")]
    header = find(ws, label("host", "vi"))
    assert ws.freeze_panes == f"A{header + 1}"
    assert rows(ws)[header] == ["ke-toan-01", "Xã Hòa Cư", "1100/CATTT-NCSC", "1100/CATTT-NCSC", "nghiêm trọng",
                                "CVE-2023-5217", "Google Chrome", "118.0.5993.70", "119.0.6045.105",
                                dt.datetime(2026, 11, 20), "có", "có", dt.datetime(2026, 10, 19, 9, 30)]
    assert ws.max_row == header + 3


def test_sheet_names_follow_excels_rules() -> None:
    taken: set[str] = set()
    assert xlsx.sheet_name("2. Warnings: handled / total [*?]", taken) == "2. Warnings- handled - total --"
    assert xlsx.sheet_name("x" * 40, taken) == "x" * 31
    assert xlsx.sheet_name("x" * 40, taken) == "x" * 27 + " (2)"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_gap_list_too_long_for_a_spreadsheet_points_to_the_csv(lang: str) -> None:
    wb = book(lang, gaps=[], gaps_left_out=2_212_459)
    found = rows(wb[phrase("sheet_gaps", lang)])
    assert found[-1][0] == phrase("gaps_in_csv", lang, count=2_212_459)
    assert "--format csv" in found[-1][0]
