"""Office spreadsheets: title rows above the header, merged cells, Excel
dates, encodings, explicit column mappings, and files refused whole."""
from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from server.botnet import Entry, ListError, RowProblem, parse_list

UTC = dt.timezone.utc
TITLE = "DANH SÁCH ĐỊA CHỈ IP BOTNET THÁNG 11/2026"
HEADER = ["STT", "Địa chỉ IP", "Thời gian", "Loại mã độc", "Cổng", "Tên đơn vị", "Nhà cung cấp dịch vụ"]


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def national_xlsx(path: Path) -> Path:
    """The list as a provincial office sends it: a notes sheet first, then
    merged title rows, a blank row, the header, a unit merged over two rows
    and a merged total row at the bottom."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Hướng dẫn"
    notes["A1"] = "Đề nghị các đơn vị rà soát, bóc gỡ mã độc và báo cáo kết quả."
    sheet = book.create_sheet("Danh sách")
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "(Kèm theo Công văn số 1234/CATTT-NCSC ngày 25/11/2026)"
    sheet.merge_cells("A2:G2")
    sheet.append([])  # row 3 is blank
    sheet.append(HEADER)  # row 4
    sheet.append([1, "203.0.113.7", dt.datetime(2026, 11, 20, 9, 15), "Mirai", 23, "UBND xã Cẩm Tân", "VNPT"])
    sheet.append([2, "203.0.113.8", dt.datetime(2026, 11, 20, 10, 0), "Mirai", 23.0, None, "VNPT"])
    sheet.merge_cells("F5:F6")
    sheet.append([3, "2001:db8::/64", dt.date(2026, 11, 21), "Gamut", None, "Trường THCS Cẩm Tân", "Viettel"])
    sheet.append([4, "203.0.113.9", 46346.5, "Necurs", "443/tcp", "Trạm Y tế xã", "FPT"])  # a date as a number
    sheet.append([5, "máy chủ thư", "20/11/2026 08:00", "Necurs", 25, "Trạm Y tế xã", "FPT"])
    sheet.append([6, "203.0.113.10", "20/11/2026 25:00", "Mirai", 99999, "Trạm Y tế xã", "FPT"])
    sheet.append([])  # row 11 is blank
    sheet.append(["Tổng cộng: 4 địa chỉ"])  # row 12, merged across
    sheet.merge_cells("A12:G12")
    book.save(path)
    return path


def test_national_xlsx_with_merged_title_rows(tmp_path: Path) -> None:
    parsed = parse_list(national_xlsx(tmp_path / "botnet-11-2026.xlsx"))
    assert parsed.kind == "table" and parsed.headers == HEADER and parsed.encoding == ""
    assert parsed.entries == [
        Entry(5, "203.0.113.7/32", at(2026, 11, 20, 2, 15), "Mirai", 23, "UBND xã Cẩm Tân", "VNPT"),
        Entry(6, "203.0.113.8/32", at(2026, 11, 20, 3, 0), "Mirai", 23, "UBND xã Cẩm Tân", "VNPT"),  # merged unit
        Entry(7, "2001:db8::/64", at(2026, 11, 20, 17, 0), "Gamut", None, "Trường THCS Cẩm Tân", "Viettel"),
        Entry(8, "203.0.113.9/32", at(2026, 11, 20, 5, 0), "Necurs", 443, "Trạm Y tế xã", "FPT"),
    ]
    assert parsed.problems == [
        RowProblem(9, "address 'máy chủ thư' is not an IP address or network"),
        RowProblem(10, "port '99999' is not a port number (0-65535); "
                       "time '20/11/2026 25:00' is not a date and time (write dd/mm/yyyy hh:mm)"),
        RowProblem(12, "no address"),
    ]


def test_xlsx_without_an_address_column_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:D1")
    sheet.append(["STT", "Tên đơn vị", "Số máy", "Ghi chú"])
    sheet.append([1, "UBND xã", 12, ""])
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(ListError) as refused:
        parse_list(tmp_path / "units.xlsx")
    assert "headers seen in row 2: 'STT', 'Tên đơn vị', 'Số máy', 'Ghi chú'" in str(refused.value)


def test_csv_without_an_address_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("STT,Tên đơn vị,Số máy đã xử lý,Tổng số máy\n1,UBND xã,3,12\n", encoding="utf-8")
    with pytest.raises(ListError) as refused:
        parse_list(path)
    assert str(refused.value) == (
        "no address column (a header such as 'Địa chỉ IP', 'IP', 'IP address', 'Source IP') and not a "
        "list of addresses; headers seen in row 1: 'STT', 'Tên đơn vị', 'Số máy đã xử lý', 'Tổng số máy'"
    )


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# only comments\n", b"\xd0\xcf\x11\xe0old xls", b"PK\x03\x04junk"])
def test_empty_and_unreadable_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(ListError):
        parse_list(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="no such file"):
        parse_list(tmp_path / "nowhere.csv")


MAPPED = (
    "IP,Ghi chú,Địa chỉ IP máy bị nhiễm,Thời điểm,Giờ phát hiện (UTC+7)\n"
    "192.0.2.1,router,203.0.113.20,01/01/2026,20/11/2026 09:00\n"
    "192.0.2.1,router,203.0.113.21,01/01/2026,20/11/2026 10:00\n"
)


@pytest.mark.parametrize("ip", ["Địa chỉ IP máy bị nhiễm", "dia chi ip may bi nhiem", "C", "Cột C", "3", 3])
def test_explicit_mapping_wins(tmp_path: Path, ip: object) -> None:
    path = tmp_path / "mapped.csv"
    path.write_text(MAPPED, encoding="utf-8")
    parsed = parse_list(path, {"ip": ip, "time": "E", "family": "Ghi chú"})  # type: ignore[dict-item]
    assert parsed.entries == [
        Entry(2, "203.0.113.20/32", at(2026, 11, 20, 2, 0), "router"),
        Entry(3, "203.0.113.21/32", at(2026, 11, 20, 3, 0), "router"),
    ]
    # without the mapping the first "IP" column and "Thời điểm" are taken
    auto = parse_list(path)
    assert [(e.network, e.seen_at) for e in auto.entries] == [("192.0.2.1/32", at(2025, 12, 31, 17, 0))]


def test_mapping_by_letter_in_a_file_without_headers(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("203.0.113.7;Mirai;20/11/2026 09:15\n203.0.113.8;Andromeda;\nxx;Mirai;\n", encoding="utf-8")
    parsed = parse_list(path, {"ip": "A", "family": "B", "time": "C"})
    assert parsed.headers == []
    assert parsed.entries == [
        Entry(1, "203.0.113.7/32", at(2026, 11, 20, 2, 15), "Mirai"),
        Entry(2, "203.0.113.8/32", None, "Andromeda"),
    ]
    assert parsed.problems == [RowProblem(3, "address 'xx' is not an IP address or network")]


def test_mapping_naming_a_missing_header_or_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mapped.csv"
    path.write_text(MAPPED, encoding="utf-8")
    with pytest.raises(ListError, match="no row names the column.*'IP nguồn'.*headers seen in row 1: 'IP', 'Ghi chú'"):
        parse_list(path, {"ip": "IP nguồn"})
    with pytest.raises(ListError, match="unknown column key.*'address'"):
        parse_list(path, {"address": "A"})


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows' "ANSI" code page writes it: base letters
    precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
                   + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_cp1258_csv_is_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes(to_cp1258("Địa chỉ IP;Thời gian;Đơn vị\n203.0.113.7;20/11/2026 09:15;UBND xã Cẩm Tân\n"))
    parsed = parse_list(path)
    assert parsed.encoding == "cp1258"
    assert parsed.notes and "read as cp1258" in parsed.notes[0]
    assert parsed.headers == ["Địa chỉ IP", "Thời gian", "Đơn vị"]
    assert parsed.entries == [Entry(2, "203.0.113.7/32", at(2026, 11, 20, 2, 15), unit="UBND xã Cẩm Tân")]


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("IP\tNhà mạng\r\n2001:db8::5\tVNPT\r\n".encode("utf-16"))
    parsed = parse_list(path)
    assert (parsed.kind, parsed.encoding) == ("table", "utf-16")
    assert parsed.entries == [Entry(2, "2001:db8::5/128", None, isp="VNPT")]


def test_header_repeated_on_every_printed_page_is_not_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "pages.csv"
    path.write_text("IP,Botnet\n192.0.2.1,Mirai\nIP,Botnet\n192.0.2.2,Mirai\n", encoding="utf-8")
    parsed = parse_list(path)
    assert [e.row for e in parsed.entries] == [2, 4] and parsed.problems == []


def test_bilingual_and_longer_headers(tmp_path: Path) -> None:
    path = tmp_path / "bilingual.csv"
    path.write_text("Địa chỉ IP / IP address,IP đích (C2),Port (TCP),Cơ quan/đơn vị,Timestamp\n"
                    "198.51.100.7,192.0.2.99,8080,Sở Y tế,2026-11-20T03:00:00Z\n", encoding="utf-8")
    parsed = parse_list(path)
    assert parsed.entries == [Entry(2, "198.51.100.7/32", at(2026, 11, 20, 3, 0), "", 8080, "Sở Y tế")]


def test_csv_export_with_title_rows_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"{TITLE},,,\n(Kèm theo Công văn số 1234/CATTT-NCSC),,,\n,,,\n"
                    "STT,IP nguồn,Ngày phát hiện,Botnet\n1,203.0.113.7,20/11/2026,Mirai\n", encoding="utf-8")
    parsed = parse_list(path)
    assert parsed.headers == ["STT", "IP nguồn", "Ngày phát hiện", "Botnet"]
    assert parsed.entries == [Entry(5, "203.0.113.7/32", at(2026, 11, 19, 17, 0), "Mirai")]


def test_format_is_told_by_content_not_suffix(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "botnet"
    for name, kind in [("feodo_ipblocklist.csv", "feodo"), ("spamhaus_drop_v4.json", "spamhaus-drop"),
                       ("shadowserver_botnet_drone.csv", "shadowserver"), ("addresses.txt", "text")]:
        renamed = tmp_path / f"{kind}.download"
        renamed.write_bytes((fixtures / name).read_bytes())
        assert parse_list(renamed).kind == kind
    workbook = national_xlsx(tmp_path / "list.xlsx")
    renamed = tmp_path / "list-from-mail"
    renamed.write_bytes(workbook.read_bytes())
    assert len(parse_list(renamed).entries) == 4


def test_two_level_header(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Địa chỉ IP", "Thông tin phát hiện", None, None, "Đơn vị"])
    sheet.append([None, None, "Thời gian", "Mã độc", "Cổng", None])
    for merged in ("A1:A2", "B1:B2", "C1:E1", "F1:F2"):
        sheet.merge_cells(merged)
    sheet.append([1, "203.0.113.7", "20/11/2026 09:15", "Mirai", 23, "UBND xã"])
    sheet.append(["STT", "Địa chỉ IP", "Thông tin phát hiện", None, None, "Đơn vị"])  # the next printed page
    sheet.append([2, "203.0.113.8", "20/11/2026 10:15", "Mirai", 23, "UBND xã"])
    book.save(tmp_path / "two-level.xlsx")
    parsed = parse_list(tmp_path / "two-level.xlsx")
    assert parsed.headers == ["STT", "Địa chỉ IP", "Thời gian", "Mã độc", "Cổng", "Đơn vị"]
    assert parsed.entries == [
        Entry(3, "203.0.113.7/32", at(2026, 11, 20, 2, 15), "Mirai", 23, "UBND xã"),
        Entry(5, "203.0.113.8/32", at(2026, 11, 20, 3, 15), "Mirai", 23, "UBND xã"),
    ]
    assert parsed.problems == []


def test_a_file_over_the_document_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHGAP_MAX_FEED_DOCUMENT_MB", "0.0001")  # about 100 bytes
    path = tmp_path / "big.txt"
    path.write_text("203.0.113.7\n" * 50, encoding="utf-8")
    with pytest.raises(ListError, match="over the limit"):
        parse_list(path)
