"""How one cell becomes an address, a port or a time."""
from __future__ import annotations

import datetime as dt

import pytest

from server.botnet.columns import header_key
from server.botnet.model import UTC, VIETNAM, parse_network, parse_port, parse_time


@pytest.mark.parametrize("text, expected", [
    ("203.0.113.7", ("203.0.113.7/32", None)),
    (" 198.51.100.5/24 ", ("198.51.100.0/24", None)),  # host bits dropped (strict=False)
    ("2001:DB8::1", ("2001:db8::1/128", None)),
    ("[2001:db8::1]", ("2001:db8::1/128", None)),
    ("2001:db8:0:0::/64", ("2001:db8::/64", None)),
    ("203.0.113[.]7", ("203.0.113.7/32", None)),
    ("203.0.113.7:8080", ("203.0.113.7/32", 8080)),
    ("10.0.0.1", ("10.0.0.1/32", None)),
])
def test_networks(text: str, expected: tuple[str, int | None]) -> None:
    assert parse_network(text) == expected


@pytest.mark.parametrize("text", ["", "203.0.113", "256.1.1.1", "1.2.3.4/33", "0.0.0.0/0", "::/0", "fe80::1%eth0",
                                  "203.0.113.7:70000", "010.1.1.1", "host.example", "203.0.113.7, 203.0.113.8"])
def test_not_networks(text: str) -> None:
    with pytest.raises(ValueError):
        parse_network(text)


@pytest.mark.parametrize("value, expected", [("", None), (None, None), ("443", 443), (443.0, 443), ("53/udp", 53),
                                             ("0", 0), ("65535", 65535)])
def test_ports(value: object, expected: int | None) -> None:
    assert parse_port(value) == expected


@pytest.mark.parametrize("value", ["65536", "-1", "http", "4 43", True, 8.5])
def test_not_ports(value: object) -> None:
    with pytest.raises(ValueError):
        parse_port(value)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize("value, expected", [
    ("20/11/2026 14:30", utc(2026, 11, 20, 7, 30)),
    ("20/11/2026 14:30:05", utc(2026, 11, 20, 7, 30, 5)),
    ("20/11/2026", utc(2026, 11, 19, 17, 0)),  # midnight in Vietnam
    ("20-11-2026", utc(2026, 11, 19, 17, 0)),
    ("20.11.2026 7:05", utc(2026, 11, 20, 0, 5)),
    ("14:30 20/11/2026", utc(2026, 11, 20, 7, 30)),
    ("14h30 ngày 20/11/2026", utc(2026, 11, 20, 7, 30)),
    ("20/11/2026 2:30:00 CH", utc(2026, 11, 20, 7, 30)),  # chiều = PM
    ("20/11/2026 12:10 AM", utc(2026, 11, 19, 17, 10)),
    ("2026-11-20", utc(2026, 11, 19, 17, 0)),
    ("2026-11-20 14:30", utc(2026, 11, 20, 7, 30)),
    ("2026/11/20 14:30", utc(2026, 11, 20, 7, 30)),
    ("2026-11-20T03:14:07Z", utc(2026, 11, 20, 3, 14, 7)),
    ("2026-11-20T10:14:07+07:00", utc(2026, 11, 20, 3, 14, 7)),
    ("2026-11-20 03:14:07 UTC", utc(2026, 11, 20, 3, 14, 7)),
    ("20/11/2026 10:14 (GMT+7)", utc(2026, 11, 20, 3, 14)),
    ("20/11/2026 03:14 +00:00", utc(2026, 11, 20, 3, 14)),
    (dt.datetime(2026, 11, 20, 10, 0), utc(2026, 11, 20, 3, 0)),  # an Excel date cell
    (dt.date(2026, 11, 20), utc(2026, 11, 19, 17, 0)),
    (dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC), utc(2026, 11, 20, 10, 0)),
    (46346.5, utc(2026, 11, 20, 5, 0)),  # an Excel serial number: 20/11/2026 12:00
    ("", None),
    (None, None),
])
def test_times_in_a_vietnamese_table(value: object, expected: dt.datetime | None) -> None:
    assert parse_time(value, VIETNAM) == expected


def test_times_in_a_utc_report() -> None:
    assert parse_time("2026-11-20 03:14:07", UTC) == utc(2026, 11, 20, 3, 14, 7)


@pytest.mark.parametrize("value", ["31/02/2026", "11/20/2026", "2026", "hôm qua", "20/11/2026 24:00", "1/1/1900",
                                   "20/11/2026 13:00 CH", 2026, float("nan"), 1e300, True])
def test_not_times(value: object) -> None:
    with pytest.raises(ValueError):
        parse_time(value, VIETNAM)


@pytest.mark.parametrize("header, key", [
    ("Địa chỉ IP", "ip"), ("DIA CHI IP", "ip"), ("Dia chi IP", "ip"), ("IP nguồn", "ip"), ("Source IP", "ip"),
    ("IP address", "ip"), ("Địa chỉ IP bị nhiễm", "ip"), ("IP đích", None), ("Destination IP", None),
    ("Thời gian", "time"), ("Thoi gian", "time"), ("Thời điểm", "time"), ("Ngày phát hiện", "time"),
    ("Timestamp", "time"), ("Date", "time"),
    ("Tên mạng botnet", "family"), ("Họ mã độc", "family"), ("Loại mã độc", "family"), ("Malware", "family"),
    ("Cổng", "port"), ("Port", "port"),
    ("Đơn vị", "unit"), ("Tên đơn vị", "unit"), ("Cơ quan", "unit"), ("Organization", "unit"),
    ("ISP", "isp"), ("Nhà mạng", "isp"), ("Nhà cung cấp dịch vụ", "isp"),
    ("STT", None), ("Ghi chú", None), ("", None),
])
def test_header_keys(header: str, key: str | None) -> None:
    assert header_key(header) == key
