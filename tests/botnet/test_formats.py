"""Every published format and the office CSVs parse to exactly the expected
entries, with every bad row reported by its row number."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from server.botnet import Entry, ParsedList, RowProblem, parse_list

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "botnet"
UTC = dt.timezone.utc


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_shadowserver_drone_report() -> None:
    parsed = parse_list(FIXTURES / "shadowserver_botnet_drone.csv")
    assert parsed.kind == "shadowserver"
    assert parsed.headers[:10] == ["timestamp", "ip", "port", "asn", "geo", "region", "city", "hostname", "type",
                                   "infection"]
    assert parsed.entries == [
        Entry(2, "203.0.113.7/32", at(2026, 11, 20, 3, 14, 7), "andromeda", 49152),
        Entry(3, "203.0.113.8/32", at(2026, 11, 20, 5, 0, 59), "mirai", 51234),  # no infection: family
        Entry(4, "203.0.113.9/32", at(2026, 11, 20, 5, 1, 0), "sality", None),
        # row 6 repeats row 2: kept once
    ]
    assert parsed.problems == [RowProblem(5, "address '203.0.113.300' is not an IP address or network")]


def test_shadowserver_sinkhole_http_events_with_ipv6() -> None:
    parsed = parse_list(FIXTURES / "shadowserver_event4_sinkhole_http.csv")
    assert parsed.kind == "shadowserver"
    assert parsed.entries == [
        Entry(2, "192.0.2.77/32", at(2026, 11, 21, 0, 0, 1), "necurs", 61000),
        Entry(3, "2001:db8:10::25/128", at(2026, 11, 21, 23, 59, 59), "qsnatch", 52000),
    ]
    assert parsed.problems == [
        RowProblem(4, "time '2026-11-21T25:00:00' is not a date and time (write dd/mm/yyyy hh:mm)")
    ]


def test_feodo_blocklist() -> None:
    parsed = parse_list(FIXTURES / "feodo_ipblocklist.csv")
    assert parsed == ParsedList(
        kind="feodo",
        entries=[
            Entry(9, "198.51.100.23/32", at(2026, 11, 21), "QakBot", 443),  # last_online, a date
            Entry(10, "198.51.100.24/32", at(2026, 10, 5, 7, 2, 10), "Emotet", 8080),  # else first_seen_utc
            Entry(11, "198.51.100.25/32", at(2026, 11, 22), "Pikabot", 995),
        ],
        problems=[
            RowProblem(12, "address '198.51.100.256' is not an IP address or network"),
            RowProblem(13, "port '70000' is not a port number (0-65535)"),
        ],
        headers=["first_seen_utc", "dst_ip", "dst_port", "c2_status", "last_online", "malware"],
    )


def test_feodo_header_inside_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "ipblocklist.csv"
    path.write_text('# abuse.ch\n# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n'
                    '"2026-11-01 16:45:00","192.0.2.5","443","online","","QakBot"\n', encoding="utf-8")
    parsed = parse_list(path)
    assert parsed.kind == "feodo"
    assert parsed.entries == [Entry(3, "192.0.2.5/32", at(2026, 11, 1, 16, 45), "QakBot", 443)]


def test_spamhaus_drop_v4_and_v6() -> None:
    v4 = parse_list(FIXTURES / "spamhaus_drop_v4.json")
    v6 = parse_list(FIXTURES / "spamhaus_drop_v6.json")
    assert v4 == ParsedList("spamhaus-drop", [
        Entry(1, "192.0.2.0/24", None), Entry(2, "198.51.100.0/25", None), Entry(3, "203.0.113.128/26", None),
    ], [], [])
    assert v6 == ParsedList("spamhaus-drop", [
        Entry(1, "2001:db8:4000::/36", None), Entry(2, "2001:db8:ff00::/40", None),
    ], [], [])


def test_spamhaus_bad_lines_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "drop.json"
    path.write_text('{"cidr":"192.0.2.0/24","sblid":"SBL1","rir":"apnic"}\n{"cidr":"192.0.2.0/33"}\n'
                    '{"sblid":"SBL3"}\n{"cidr":\n["192.0.2.9"]\n{"cidr": 7}\n'
                    '{"type":"metadata","timestamp":1795334400,"size":1,"records":1,"copyright":"x"}\n')
    parsed = parse_list(path)
    assert parsed.entries == [Entry(1, "192.0.2.0/24", None)]
    assert parsed.problems == [
        RowProblem(2, "address '192.0.2.0/33' is not an IP address or network"),
        RowProblem(3, 'no address (no "cidr")'),
        RowProblem(4, "not a JSON object"),
        RowProblem(5, "not a JSON object"),
        RowProblem(6, "address 7 is not an IP address or network"),
    ]


def test_plain_text_list() -> None:
    parsed = parse_list(FIXTURES / "addresses.txt")
    assert parsed == ParsedList(
        kind="text",
        entries=[
            Entry(4, "203.0.113.7/32", None),
            Entry(5, "203.0.113.45/32", None),
            Entry(6, "198.51.100.0/28", None),
            Entry(7, "2001:db8:abcd::1/128", None),
            Entry(8, "10.20.30.40/32", None),
            # line 11 repeats line 4: kept once
        ],
        problems=[
            RowProblem(9, "address 'not-an-address' is not an IP address or network"),
            RowProblem(10, "address '192.0.2.300' is not an IP address or network"),
        ],
        headers=[],
    )


def test_vietnamese_csv_with_diacritics_and_bom() -> None:
    parsed = parse_list(FIXTURES / "vn_list.csv")
    assert parsed.kind == "table" and parsed.encoding == "utf-8"
    assert parsed.headers == ["STT", "Địa chỉ IP", "Thời gian phát hiện", "Tên mạng botnet", "Cổng", "Đơn vị",
                              "Nhà mạng"]
    assert parsed.entries == [
        # Vietnam time (UTC+7) without a zone: 09:15 is 02:15 UTC
        Entry(2, "203.0.113.7/32", at(2026, 11, 20, 2, 15), "Mirai", 23, "UBND xã Cẩm Tân", "VNPT"),
        Entry(3, "203.0.113.45/32", at(2026, 11, 20, 7, 30), "Andromeda", None, "Trạm Y tế xã", "Viettel"),
        Entry(4, "198.51.100.0/28", at(2026, 11, 20, 17, 0), "Necurs", 80, "Trường THCS Cẩm Tân", "FPT"),
        Entry(5, "2001:db8:abcd::1/128", at(2026, 11, 21, 1, 0), "Qsnatch", 443, "UBND xã Cẩm Tân", "VNPT"),
    ]
    assert parsed.problems == [
        RowProblem(6, "address '203.0.113.999' is not an IP address or network"),
        RowProblem(7, "port 'cổng 23' is not a port number (0-65535)"),
        RowProblem(8, "time '31/11/2026 09:00' is not a date and time (write dd/mm/yyyy hh:mm)"),
        RowProblem(9, "no address"),
    ]


def test_headers_without_diacritics_semicolons() -> None:
    parsed = parse_list(FIXTURES / "vn_no_diacritics_semicolon.csv")
    assert parsed.headers == ["STT", "Dia chi IP", "Thoi gian", "Ho ma doc", "Cong", "Ten don vi", "Nha mang"]
    assert parsed.entries == [
        Entry(2, "192.0.2.10/32", at(2026, 11, 22, 0, 0), "Gamut", 25, "UBND xa Cam Tan", "VNPT"),
        Entry(3, "192.0.2.11/32", at(2026, 11, 21, 17, 0), "Sality", None, "Truong Tieu hoc", "Viettel"),
    ]
    assert parsed.problems == [
        RowProblem(4, "time 'khong ro' is not a date and time (write dd/mm/yyyy hh:mm)"),
    ]
