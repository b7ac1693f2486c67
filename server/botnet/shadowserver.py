"""Shadowserver per-network CSV reports (Drone / botnet_drone, Sinkhole Events,
Sinkhole HTTP Events ...).

Every Shadowserver report starts with a header row of snake_case field names
and gives times in UTC+0.
# NOTE: the older reports name the device ``ip``/``port``/``asn``/``geo``; the
# event reports (event4_sinkhole, event4_sinkhole_http) name it
# ``src_ip``/``src_port``/``src_asn``/``src_geo`` and the other end ``dst_*``.
# https://www.shadowserver.org/what-we-do/network-reporting/sinkhole-http-events-report/
"""
from __future__ import annotations

from server.botnet.columns import cell, collect
from server.botnet.model import UTC, Entry, ParsedList, Rows, build_entry, cell_text

KIND = "shadowserver"


def _names(cells: list[object]) -> list[str]:
    return [cell_text(c).lower() for c in cells]


def header_at(rows: Rows) -> int | None:
    """The index of a Shadowserver header row (one of the first three rows), or None."""
    for index, (_, cells) in enumerate(rows[:3]):
        names = set(_names(cells))
        if "timestamp" in names and names & {"ip", "src_ip"} and names & {"asn", "src_asn"} \
                and names & {"geo", "src_geo"}:
            return index
    return None


def parse(rows: Rows, at: int, encoding: str) -> ParsedList:
    """The entries of a report whose header row is ``rows[at]``."""
    names = _names(rows[at][1])

    def column(*options: str) -> int | None:
        return next((names.index(o) for o in options if o in names), None)

    ip, port, when = column("ip", "src_ip"), column("port", "src_port"), column("timestamp")
    families = [c for c in (column("infection"), column("family")) if c is not None]

    def read(number: int, cells: list[object]) -> Entry:
        family = next((cell_text(cell(cells, c)) for c in families if cell_text(cell(cells, c))), "")
        return build_entry(number, cell(cells, ip), seen=cell(cells, when), family=family,
                           port=cell(cells, port), zone=UTC)

    entries, problems = collect(rows[at + 1:], read)
    return ParsedList(KIND, entries, problems, [cell_text(c) for c in rows[at][1]], encoding)
