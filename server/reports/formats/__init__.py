"""One small renderer per format over the same report: adding a format
touches one module and this registry. Each module has
``render(report: WeeklyReport, lang: str) -> bytes``, but the streamed ones
(CSV, JSON), which have ``write(report, lang, out, gaps)`` instead: it
writes the gap list to ``out`` as it is read."""
from __future__ import annotations

import io
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from server.errors import InvalidInput
from server.reports.model import GapRow, WeeklyReport

FORMATS = ("text", "markdown", "html", "csv", "xlsx", "json")
SUFFIXES = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".csv": "csv", ".xlsx": "xlsx",
            ".json": "json"}
# Formats that carry every open host–advisory pair, not only the summaries.
WITH_GAPS = frozenset({"csv", "json", "xlsx"})
# Formats written as their gap list is read, a batch of hosts at a time: a
# province's two million pairs never sit in memory at once.
STREAMED = frozenset({"csv", "json"})
# Printed reports and spreadsheets list this many rows of each long list
# (new, resolved, silent, end of life) and say how many more; CSV and JSON
# carry every row.
PRINTED_ROWS = 500
# A sheet holds 1,048,576 rows and a spreadsheet program slows long before:
# past this many open findings (a district has a hundred thousand, a province
# two million) the XLSX gap sheet points to the CSV export. openpyxl writes
# about a thousand formatted rows a second.
XLSX_GAP_ROWS = 20_000


def limits(fmt: str, streamed: bool = False) -> dict[str, object]:
    """What ``build`` computes for ``fmt``: its keyword arguments.
    ``streamed``: the gap list will be handed to ``write`` as it is read."""
    return {"with_gaps": fmt in WITH_GAPS and not (streamed and fmt in STREAMED),
            "max_rows": None if fmt in ("csv", "json") else PRINTED_ROWS,
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


def _module(fmt: str) -> ModuleType:
    if fmt not in FORMATS:
        raise InvalidInput.of("unknown_format", fmt=fmt, formats=", ".join(FORMATS))
    return import_module(f"server.reports.formats.{fmt}")


def render(report: WeeklyReport, fmt: str, lang: str) -> bytes:
    if fmt in STREAMED:
        out = io.BytesIO()
        write(report, fmt, lang, out)
        return out.getvalue()
    return _module(fmt).render(report, lang)  # type: ignore[no-any-return]


def write(report: WeeklyReport, fmt: str, lang: str, out: BinaryIO, gaps: Iterable[GapRow] | None = None) -> None:
    """Write ``report`` to ``out``; a streamed format takes its gap list from
    ``gaps`` (as ``build.gap_list`` reads it) instead of ``report.gaps``."""
    module = _module(fmt)
    if fmt in STREAMED:
        module.write(report, lang, out, report.gaps if gaps is None else gaps)
    else:
        out.write(module.render(report, lang))
