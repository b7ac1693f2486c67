"""Random junk never makes the parser fail with anything but ListError, and
never yields an entry that is not a valid, normalised network."""
from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from server.botnet import Entry, ListError, ParsedList, parse_list

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ADDRESSES = st.sampled_from([
    "203.0.113.7", "198.51.100.0/24", "2001:db8::/64", "10.0.0.1", "192.168.1.0/24", "192.0.2.1:8080",
    "[2001:db8::1]", "0.0.0.0/0", "999.1.1.1", "1.2.3.4/33", "::", "fe80::1%eth0", "203.0.113[.]9",
])
PIECES = st.sampled_from([
    ",", ";", "\t", " ", "#", '"', "{", "}", ":", "/", "Địa chỉ IP", "IP", "Thời gian", "Cổng", "Port", "Botnet",
    "timestamp", "ip", "asn", "geo", "dst_ip", "first_seen_utc", '"cidr":', '"type":"metadata"', "20/11/2026 09:15",
    "2026-11-20T03:14:07Z", "31/02/2026", "65536", "443", "\x00", "\ufeff", "ư", "đ", "\r",
])
LINE = st.lists(st.one_of(ADDRESSES, PIECES, st.text(max_size=12)), max_size=8).map("".join)
CELL = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                 st.booleans(), st.datetimes(min_value=dt.datetime(1900, 1, 1)), ADDRESSES, PIECES,
                 st.text(max_size=15).map(lambda t: "".join(c for c in t if c.isprintable())))


def check(parsed: ParsedList) -> None:
    assert parsed.kind in ("table", "text", "shadowserver", "feodo", "spamhaus-drop")
    keys = set()
    for entry in parsed.entries:
        assert isinstance(entry, Entry) and entry.row >= 1
        assert str(ipaddress.ip_network(entry.network, strict=False)) == entry.network
        assert ipaddress.ip_network(entry.network).prefixlen > 0
        assert entry.seen_at is None or entry.seen_at.utcoffset() == dt.timedelta(0)
        assert entry.port is None or 0 <= entry.port <= 65535
        key = (entry.network, entry.seen_at, entry.family, entry.port)
        assert key not in keys
        keys.add(key)
    assert all(problem.row >= 1 and problem.reason for problem in parsed.problems)


@SETTINGS
@given(lines=st.lists(LINE, max_size=12), suffix=st.sampled_from([".txt", ".csv", ".json", ".xlsx", ""]),
       mapped=st.booleans())
def test_junk_lines(tmp_path_factory, lines, suffix, mapped) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("junk") / f"list{suffix}"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    try:
        parsed = parse_list(path, {"ip": "A", "time": "2"} if mapped else None)
    except ListError as exc:
        assert str(exc)
        return
    check(parsed)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, max_size=7), max_size=8), title=st.booleans())
def test_junk_xlsx_cells(tmp_path_factory, rows, title) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["DANH SÁCH ĐỊA CHỈ IP BOTNET"])
        sheet.merge_cells("A1:F1")
    sheet.append(["Địa chỉ IP", "Thời gian", "Cổng", "Họ mã độc", "Đơn vị", "ISP"])
    for row in rows:
        try:
            sheet.append(row)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some values to write
            continue
    path = tmp_path_factory.mktemp("xlsx") / "list.xlsx"
    try:
        book.save(path)
    except (ValueError, TypeError, OverflowError):
        return
    try:
        parsed = parse_list(path)
    except ListError as exc:
        assert str(exc)
        return
    check(parsed)


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".csv", ".xlsx"]))
def test_random_bytes(tmp_path_factory, data, suffix) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("bytes") / f"list{suffix}"
    path.write_bytes(data)
    try:
        check(parse_list(path))
    except ListError:
        pass
