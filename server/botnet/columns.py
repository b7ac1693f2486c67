"""The columns of a botnet list table: which header names the address, the
time, the family, the port, the unit and the ISP, in Vietnamese with or
without diacritics or in English; and where the header row is.

Headers are compared in :func:`server.feeds.warning_columns.fold` form, as the
national warning template's are, so "Địa chỉ IP", "Dia chi IP" and "ĐỊA CHỈ IP"
are one header.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from server.botnet.model import Entry, ListError, RowProblem, Rows, cell_text, parse_network, unique
from server.feeds.warning_columns import fold

KEYS = ("ip", "time", "family", "port", "unit", "isp")
HEADER_ROWS = 15  # offices put title rows above the header; look this far down

_ALIASES = {
    "ip": ("Địa chỉ IP", "IP", "IP address", "Source IP", "IP nguồn", "Địa chỉ IP nguồn", "IP bị nhiễm",
           "IP public", "IPv4", "IPv6", "IP/CIDR", "Địa chỉ mạng", "CIDR", "src_ip", "Address"),
    "time": ("Thời gian", "Thời điểm", "Time", "Timestamp", "Ngày phát hiện", "Thời gian phát hiện", "Date",
             "Ngày", "Last seen", "Datetime", "Date time", "Detected at"),
    "family": ("Tên mạng botnet", "Họ mã độc", "Loại mã độc", "Botnet", "Malware", "Family", "Tên botnet",
               "Mạng botnet", "Tên mã độc", "Mã độc", "Malware family", "Infection", "Loại botnet"),
    "port": ("Cổng", "Port", "Cổng kết nối", "Source port", "Src port", "Dst port"),
    "unit": ("Đơn vị", "Tên đơn vị", "Cơ quan", "Organization", "Organisation", "Tổ chức", "Đơn vị quản lý",
             "Cơ quan đơn vị", "Unit"),
    "isp": ("ISP", "Nhà mạng", "Nhà cung cấp dịch vụ", "Nhà cung cấp", "Provider", "Doanh nghiệp viễn thông"),
}
HEADER_ALIASES: dict[str, str] = {fold(alias): key for key, aliases in _ALIASES.items() for alias in aliases}
# An address column that names the other end (the C2 server) is not the listed address.
_NOT_LISTED = re.compile(r"\b(dich|destination|dst|c2|cc|dieu khien|may chu|server)\b")


def header_key(header: object) -> str | None:
    """The column a header names: exact (folded) first, then a known header
    followed by more words ("Địa chỉ IP bị nhiễm", "Port (TCP)"); bilingual
    headers ("Địa chỉ IP / IP address") match on either half."""
    text = cell_text(header)
    parts = [fold(part) for part in [text, *text.split("/")] if fold(part)]
    for part in parts:
        if part in HEADER_ALIASES:
            return HEADER_ALIASES[part]
    for part in parts:
        for alias, key in HEADER_ALIASES.items():
            if part.startswith(alias + " ") and not (key == "ip" and _NOT_LISTED.search(part[len(alias):])):
                return key
    return None


def _letters(text: str) -> int | None:
    """``A`` -> 0, ``AB`` -> 27; "Cột A" / "Column 3" / "3" name a position too."""
    match = re.fullmatch(r"(?:cot|column|col)?\s*([a-z]{1,3}|\d{1,4})", fold(text))
    if not match:
        return None
    ref = match.group(1)
    if ref.isdigit():
        return int(ref) - 1 if int(ref) >= 1 else None
    index = 0
    for letter in ref:
        index = index * 26 + ord(letter) - ord("a") + 1
    return index - 1


@dataclass(frozen=True)
class Layout:
    """Where the data is: the header row's index in ``rows`` (None: no header
    row, the data starts at ``first``) and the column of each key."""

    header: int | None
    first: int
    columns: dict[str, int]
    sub_header: int | None = None  # the second row of a two-level header


def _headers_named(rows: Sequence[tuple[int, Sequence[object]]]) -> set[str]:
    return {fold(cell_text(c)) for _, cells in rows[:HEADER_ROWS] for c in cells if cell_text(c)}


def seen_headers(rows: Sequence[tuple[int, Sequence[object]]]) -> tuple[int, list[str]]:
    """(row number, cells) of the row that looks most like a header, for messages."""
    best: tuple[int, list[str]] = (0, [])
    for number, cells in rows[:HEADER_ROWS]:
        texts = [cell_text(c) for c in cells]
        if len(set(t for t in texts if t)) > len(set(t for t in best[1] if t)):
            best = (number, texts)
    while best[1] and not best[1][-1]:
        best[1].pop()
    return best


def find_layout(rows: Sequence[tuple[int, Sequence[object]]],
                explicit: Mapping[str, object] | None = None) -> Layout | None:
    """The header row (the first, within :data:`HEADER_ROWS`, that has an
    address column) and each key's column. ``explicit`` maps a key to a header,
    a column letter ("C", "Cột C") or a 1-based index, and wins."""
    explicit = dict(explicit or {})
    unknown = sorted(set(explicit) - set(KEYS))
    if unknown:
        raise ListError(f"unknown column key(s) {', '.join(map(repr, unknown))}: use {', '.join(KEYS)}")
    named = _headers_named(rows)
    by_position: dict[str, int] = {}
    by_name: dict[str, str] = {}
    for key, ref in explicit.items():
        text = cell_text(ref)
        position = int(ref) - 1 if isinstance(ref, int) and ref >= 1 else None
        if position is None and fold(text) not in named:
            position = _letters(text)
        if position is not None:
            by_position[key] = position
        elif fold(text):
            by_name[key] = fold(text)
        else:
            raise ListError(f"column for {key!r} is empty")
    for index, (_, cells) in enumerate(rows[:HEADER_ROWS]):
        folded = [fold(cell_text(c)) for c in cells]
        if any(name not in folded for name in by_name.values()):
            continue
        columns = {**_auto(cells), **by_position}
        columns.update({key: folded.index(name) for key, name in by_name.items()})
        if "ip" in columns and ("ip" not in by_position or by_name or header_key(cell(cells, columns["ip"]))):
            sub = _sub_header(rows, index, columns)
            if sub:
                return Layout(index, index + 2, {**sub, **columns}, index + 1)
            return Layout(index, index + 1, columns)
    if "ip" in by_position and not by_name:
        # No header names the address column: the data starts at the first
        # row whose address cell is an address.
        for index, (_, cells) in enumerate(rows[:HEADER_ROWS]):
            try:
                parse_network(cell(cells, by_position["ip"]))
            except ValueError:
                continue
            header = index - 1 if index and any(cell_text(c) for c in rows[index - 1][1]) else None
            auto = _auto(rows[header][1]) if header is not None else {}
            return Layout(header, index, {**auto, **by_position})
    if by_name:
        number, cells = seen_headers(rows)
        missing = ", ".join(repr(cell_text(explicit[k])) for k in by_name)
        raise ListError(f"no row names the column(s) {missing}; headers seen"
                        f"{f' in row {number}' if number else ''}: {', '.join(map(repr, cells)) or 'none'}")
    return None


def _sub_header(rows: Sequence[tuple[int, Sequence[object]]], index: int,
                columns: dict[str, int]) -> dict[str, int]:
    """The keys the row below a header names, when it is the second row of a
    two-level header ("Thông tin phát hiện" over "Thời gian | Mã độc | Cổng")."""
    if index + 1 >= len(rows):
        return {}
    cells = rows[index + 1][1]
    try:
        parse_network(cell(cells, columns["ip"]))
        return {}  # the first data row
    except ValueError:
        pass
    above = rows[index][1]
    labels = all(header_key(value) or cell_text(value) == cell_text(cell(above, i))
                 for i, value in enumerate(cells) if cell_text(value))
    sub = _auto(cells)
    return sub if labels and set(sub) - set(columns) else {}


def _auto(cells: Sequence[object]) -> dict[str, int]:
    """Each key's column by header; the first column that names a key wins."""
    columns: dict[str, int] = {}
    for column, value in enumerate(cells):
        key = header_key(value)
        if key and key not in columns:
            columns[key] = column
    return columns


def cell(cells: Sequence[object], column: int | None) -> object:
    """The cell in ``column`` (None when the row is shorter or there is no such column)."""
    return cells[column] if column is not None and 0 <= column < len(cells) else None


def collect(rows: Rows, read: Callable[[int, list[object]], Entry]) -> tuple[list[Entry], list[RowProblem]]:
    """Each non-blank row read into an entry, or a problem with its row number
    and reason; duplicates kept once."""
    entries: list[Entry] = []
    problems: list[RowProblem] = []
    for number, cells in rows:
        if not any(cell_text(c) for c in cells):
            continue
        try:
            entries.append(read(number, cells))
        except ValueError as exc:
            problems.append(RowProblem(number, str(exc)))
    return unique(entries), problems
