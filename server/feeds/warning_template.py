"""Write a blank national-warning template (CSV or XLSX) an admin can fill."""
from __future__ import annotations

import csv
from pathlib import Path

from server.feeds import warning_columns as cols
from server.feeds.interface import FeedError

EXAMPLE = {
    "number": "1547/CATTT-NCSC",
    "issuing_body": "Cục An toàn thông tin",
    "issued_on": "10/10/2022",
    "subject": "V/v lỗ hổng bảo mật nghiêm trọng trong FortiOS",
    "cves": "CVE-2022-40684",
    "severity": "nghiêm trọng",
    "product": "openssl",
    "vendor": "",
    "ecosystem": "deb",
    "distro": "debian:12",
    "fixed": "3.0.11-1~deb12u2",
    "kbs": "",
    "deadline": "31/10/2022",
    "exploited": "có",
    "url": "",
}


def headers(lang: str) -> list[str]:
    if lang == "vi":
        return [c.vietnamese for c in cols.COLUMNS]
    return [c.english for c in cols.COLUMNS]


def write_template(path: Path, lang: str = "vi", example: bool = False) -> None:
    """A header row (Vietnamese or English) and, on request, one example row."""
    row = [EXAMPLE[c.key] for c in cols.COLUMNS] if example else None
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            _write_xlsx(path, headers(lang), row)
        elif suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(headers(lang))
                if row:
                    writer.writerow(row)
        else:
            raise FeedError(f"{path}: choose a .csv or .xlsx file name")
    except OSError as exc:
        raise FeedError(f"{path}: cannot write: {exc.strerror}") from None


def _write_xlsx(path: Path, header: list[str], row: list[str] | None) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Canh bao"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if row:
        sheet.append(row)
    for index, column in enumerate(cols.COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(14, len(header[index - 1]) + 4)
    notes = book.create_sheet("Huong dan")
    notes.append(["Column", "Cột", "Required", "What to write"])
    for column in cols.COLUMNS:
        notes.append([column.english, column.vietnamese, "yes" if column.required else "", column.help_en])
    book.save(path)
