"""One small renderer per format over the same report: adding a format
touches one module and this registry. Each module has
``render(report: WeeklyReport, lang: str) -> bytes``."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from server.errors import InvalidInput
from server.reports.model import WeeklyReport

FORMATS = ("text", "markdown", "html", "csv", "xlsx", "json")
SUFFIXES = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".csv": "csv", ".xlsx": "xlsx",
            ".json": "json"}
# Formats that carry every open host–advisory pair, not only the summaries.
WITH_GAPS = frozenset({"csv", "json", "xlsx"})
# Printed reports and spreadsheets list this many rows of each long list
# (new, resolved, silent, end of life) and say how many more; CSV and JSON
# carry every row.
PRINTED_ROWS = 500
# A sheet holds 1,048,576 rows and a spreadsheet program slows long before:
# past this many open findings (a district has a hundred thousand, a province
# two million) the XLSX gap sheet points to the CSV export. openpyxl writes
# about a thousand formatted rows a second.
XLSX_GAP_ROWS = 20_000


def limits(fmt: str) -> dict[str, object]:
    """What ``build`` computes for ``fmt``: its keyword arguments."""
    return {"with_gaps": fmt in WITH_GAPS, "max_rows": None if fmt in ("csv", "json") else PRINTED_ROWS,
            "max_gaps": XLSX_GAP_ROWS if fmt == "xlsx" else None}


def format_for(path: Path | None, fmt: str | None) -> str:
    """``--format`` when given, else the output file's suffix, else text."""
    if fmt:
        return fmt
    if path is None:
        return "text"
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise InvalidInput.of("format_of_file", name=path.name, formats=", ".join(FORMATS))
    return found


def render(report: WeeklyReport, fmt: str, lang: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput.of("unknown_format", fmt=fmt, formats=", ".join(FORMATS))
    module = import_module(f"server.reports.formats.{fmt}")
    return module.render(report, lang)
