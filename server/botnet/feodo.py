"""abuse.ch Feodo Tracker ``ipblocklist.csv``: botnet C2 servers.

A banner of ``#`` comment lines, then the header
``"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"``
and one quoted row per C2 server; times are UTC, ``last_online`` is a date.
# NOTE: older copies carry the header inside a comment line
# (``# "first_seen_utc",...``) and end with a ``# END`` comment; both are read.
# https://feodotracker.abuse.ch/blocklist/
"""
from __future__ import annotations

from server.botnet.columns import cell, collect
from server.botnet.model import UTC, Entry, ParsedList, Rows, build_entry, cell_text

KIND = "feodo"
BANNER_ROWS = 40


def _names(cells: list[object]) -> list[str]:
    return [cell_text(c).lstrip("#").strip().strip('"').strip().lower() for c in cells]


def header_at(rows: Rows) -> int | None:
    """The index of the ``first_seen_utc,dst_ip,...`` header row, or None."""
    for index, (_, cells) in enumerate(rows[:BANNER_ROWS]):
        names = _names(cells)
        if "dst_ip" in names and "first_seen_utc" in names:
            return index
    return None


def parse(rows: Rows, at: int, encoding: str) -> ParsedList:
    """The entries below the header row ``rows[at]``; comment rows are skipped."""
    names = _names(rows[at][1])

    def column(name: str) -> int | None:
        return names.index(name) if name in names else None

    ip, port, first, last, malware = (column(n) for n in ("dst_ip", "dst_port", "first_seen_utc", "last_online",
                                                          "malware"))

    def read(number: int, cells: list[object]) -> Entry:
        seen = cell(cells, last) if cell_text(cell(cells, last)) else cell(cells, first)
        return build_entry(number, cell(cells, ip), seen=seen, family=cell(cells, malware),
                           port=cell(cells, port), zone=UTC)

    data = [(n, cells) for n, cells in rows[at + 1:] if not cell_text(cell(cells, 0)).startswith("#")]
    entries, problems = collect(data, read)
    return ParsedList(KIND, entries, problems, [n for n in names if n], encoding)
