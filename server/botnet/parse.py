"""Read a botnet IP list, whatever its format: a spreadsheet an office made
(.xlsx or CSV, title rows above the header), a plain list of addresses, a
Shadowserver report, abuse.ch Feodo Tracker's ``ipblocklist.csv`` or Spamhaus
DROP JSON lines. The format is told by content, not only by suffix.

Pure: no database. :func:`parse_list` returns every entry and every row it
could not read; only a file it cannot read at all raises :class:`ListError`.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from server.botnet import feodo, shadowserver, spamhaus
from server.botnet.columns import HEADER_ROWS, Layout, cell, collect, find_layout, seen_headers
from server.botnet.model import (VIETNAM, Entry, ListError, ParsedList, Rows, build_entry, cell_text, file_lines,
                                 parse_network)
from server.feeds.interface import FeedError
from server.feeds.limits import check_size, read_document

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (OLE2)
MAX_ROWS = 1_000_000  # rows in one file (a workbook's XML expands far beyond its size)


def parse_list(path: Path, columns: Mapping[str, object] | None = None) -> ParsedList:
    """Every entry of the list at ``path`` and every row that could not be read.

    ``columns`` maps ``ip``/``time``/``family``/``port``/``unit``/``isp`` to a
    header, a column letter or a 1-based index; it wins over the headers and
    makes the file read as a table. A :class:`ListError` says why the file is
    refused (the headers it saw), without the file's name: the caller has it."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ListError("not a file" if path.exists() else "no such file")
        check_size(path.stat().st_size)
        with path.open("rb") as handle:
            head = handle.read(8)
    except FeedError as exc:
        raise ListError(str(exc)) from None
    except OSError as exc:
        raise ListError(f"cannot read: {exc.strerror}") from None
    if head.startswith(XLS_MAGIC):
        raise ListError("an old .xls workbook: save it as .xlsx or CSV (UTF-8)")
    if head.startswith(XLSX_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets, text, encoding, notes = _xlsx_sheets(path), "", "", []
    else:
        text, encoding, notes = _decode(read_document(path))
        if not columns and spamhaus.matches(text):
            return spamhaus.parse(text, encoding)
        sheets = [_csv_rows(text)]
    refused: ListError | None = None
    for rows in sheets:
        if not columns:
            for fmt in (feodo, shadowserver):
                at = fmt.header_at(rows)
                if at is not None:
                    parsed = fmt.parse(rows, at, encoding)
                    parsed.notes.extend(notes)
                    return parsed
        try:
            layout = find_layout(rows, columns)
        except ListError as exc:  # an explicit header not on this sheet: try the next
            refused = refused or exc
            continue
        if layout is not None:
            return _table(rows, layout, encoding, notes)
    if refused:
        raise refused
    if encoding and not columns and _looks_like_text(text):
        return _text_list(text, encoding, notes)
    number, headers = seen_headers(sheets[0]) if sheets else (0, [])
    raise ListError(
        "no address column (a header such as 'Địa chỉ IP', 'IP', 'IP address', 'Source IP') and not a list of "
        f"addresses; headers seen{f' in row {number}' if number else ''}: {', '.join(map(repr, headers)) or 'none'}"
    )


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """Text, the encoding used and a note when it is not UTF-8."""
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ListError("a binary file, not a text list or CSV")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode text" export: UTF-16, tab-separated
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise ListError(f"not UTF-16 text ({exc.reason} at byte {exc.start})") from None
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as exc:
        where = exc.start
    # NOTE: Vietnamese Windows saves "ANSI" CSV as cp1258 (tone marks as
    # combining characters, recomposed by cell_text); latin-1 reads anything.
    for encoding in ("cp1258", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding, [f"not UTF-8 (byte {where}): read as {encoding}; save the file as UTF-8 to be sure"]
    raise AssertionError("latin-1 decodes any bytes")


def _csv_rows(text: str) -> Rows:
    """Rows numbered by the line each starts on; comma, semicolon or tab."""
    sample = [line for line in text[:16384].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    counts = {d: sum(line.count(d) for line in sample[:30]) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: Rows = []
    start = 1
    try:
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                raise ListError(f"more than {MAX_ROWS:,} rows; split the file")
            rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ListError(f"not a readable CSV file (line {reader.line_num}: {exc})") from None
    return rows


def _xlsx_sheets(path: Path) -> list[Rows]:
    """Each worksheet's rows, merged cells filled down from their first row."""
    with path.open("rb") as handle:  # a handle: openpyxl refuses a path without an .xlsx suffix
        return _book_sheets(handle)


def _book_sheets(handle: BinaryIO) -> list[Rows]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a corrupt workbook
        raise ListError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    sheets = []
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some writers record a wrong used range
            rows: Rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    raise ListError(f"more than {MAX_ROWS:,} rows on sheet {sheet.title!r}; split the file")
                rows.append((number, list(values)))
            _fill_merged(rows, _merged_ranges(sheet))
            sheets.append(rows)
    except ListError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ListError(f"corrupt .xlsx workbook ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    return sheets


def _merged_ranges(sheet: object) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range.

    # NOTE: read-only worksheets do not expose ``merged_cells``; the ranges are
    # the ``<mergeCell ref="A5:A9"/>`` elements of the sheet's XML, read with
    # the worksheet's own (private) source. Without them a unit merged over
    # several rows would name only its first row."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    try:
        with sheet._get_source() as source:  # type: ignore[attr-defined]
            for _, element in iterparse(source):
                if element.tag.endswith("}mergeCell") and element.get("ref"):
                    ranges.append(range_boundaries(element.get("ref")))
                if element.tag.endswith("}row"):
                    element.clear()
    except Exception:  # noqa: BLE001 - no merges is the safe answer
        return []
    return [r for r in ranges if None not in r]  # type: ignore[misc]


def _fill_merged(rows: Rows, ranges: list[tuple[int, int, int, int]]) -> None:
    """Fill each merged range down its first column: a unit or a time merged
    over several rows belongs to each. Not across: a title or a total merged
    over the whole width is not a value of every column."""
    for min_col, min_row, _, max_row in ranges:
        if min_row > len(rows):
            continue
        value = cell(rows[min_row - 1][1], min_col - 1)
        for r in range(min_row + 1, min(max_row, len(rows)) + 1):
            cells = rows[r - 1][1]
            cells.extend([None] * (min_col - len(cells)))
            cells[min_col - 1] = value


def _table(rows: Rows, layout: Layout, encoding: str, notes: list[str]) -> ParsedList:
    """A generic table: times without a zone are Vietnam time."""
    columns = layout.columns
    header_rows = [_texts(rows[i][1]) for i in (layout.header, layout.sub_header) if i is not None]
    # a two-level header: the lower row names a column when it does
    width = max((len(h) for h in header_rows), default=0)
    header_cells = [next((cell_text(cell(h, i)) for h in reversed(header_rows) if cell_text(cell(h, i))), "")
                    for i in range(width)]

    def read(number: int, cells: list[object]) -> Entry:
        def at(key: str) -> object:
            return cell(cells, columns.get(key))

        return build_entry(number, at("ip"), seen=at("time"), family=at("family"), port=at("port"),
                           unit=at("unit"), isp=at("isp"), zone=VIETNAM)

    data = [(n, cells) for n, cells in rows[layout.first:] if _texts(cells) not in header_rows]  # repeated per page
    entries, problems = collect(data, read)
    return ParsedList("table", entries, problems, header_cells, encoding, list(notes))


def _texts(cells: list[object]) -> list[str]:
    texts = [cell_text(c) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


_COMMENT = ("#", ";", "//")
_TOKEN = re.compile(r"[\s,;#]+")


def _meaningful(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in file_lines(text)
            if line.strip() and not line.strip().startswith(_COMMENT)]


def _looks_like_text(text: str) -> bool:
    """Whether one of the first lines starts with an address or network."""
    for _, line in _meaningful(text)[:HEADER_ROWS]:
        try:
            parse_network(_TOKEN.split(line, maxsplit=1)[0])
        except ValueError:
            continue
        return True
    return False


def _text_list(text: str, encoding: str, notes: list[str]) -> ParsedList:
    """One address or network per line, anything after it a comment."""
    rows: Rows = [(n, [_TOKEN.split(line, maxsplit=1)[0]]) for n, line in _meaningful(text)]
    entries, problems = collect(rows, lambda number, cells: build_entry(number, cells[0]))
    return ParsedList("text", entries, problems, [], encoding, list(notes))
