"""The national warning template's columns: headers in English and Vietnamese,
and how each cell is read. One row per (warning, product)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from server.ecosystems import IN_WARNINGS


@dataclass(frozen=True)
class Column:
    key: str
    english: str
    vietnamese: str
    required: bool = False
    help_en: str = ""


COLUMNS = (
    Column("number", "Warning number", "Số công văn", True, "e.g. 1547/CATTT-NCSC"),
    Column("issuing_body", "Issuing body", "Cơ quan ban hành", False, "e.g. Cục An toàn thông tin"),
    Column("issued_on", "Date", "Ngày ban hành", False, "dd/mm/yyyy"),
    Column("subject", "Subject", "Trích yếu", False, "the V/v line"),
    Column("cves", "CVE", "Mã CVE", False, "one or more CVE ids"),
    Column("severity", "Severity", "Mức độ", False, "critical/high/medium/low or nghiêm trọng/cao/trung bình/thấp"),
    Column("product", "Product", "Sản phẩm", True, "package, program or OS name"),
    Column("vendor", "Vendor", "Nhà cung cấp", False, ""),
    Column("ecosystem", "Ecosystem", "Loại", True, "deb, rpm, windows-program, windows-os, macos-app, ..."),
    Column("distro", "Distro", "Bản phân phối", False, "debian:12, ubuntu:22.04, rhel:9 (empty: any)"),
    Column("fixed", "Fixed version or build", "Phiên bản đã vá", False, "version, or OS build 10.0.19045.4529"),
    Column("kbs", "KB", "Bản vá KB", False, "KB5039211 (Windows)"),
    Column("deadline", "Deadline", "Thời hạn xử lý", False, "dd/mm/yyyy"),
    Column("exploited", "Exploited", "Đang bị khai thác", False, "yes/no, có/không"),
    Column("url", "Link", "Liên kết", False, ""),
)

ECOSYSTEMS = IN_WARNINGS  # the ecosystems a row may name

SEVERITIES = {
    "critical": "critical",
    "nghiem trong": "critical",
    "high": "high",
    "important": "high",
    "cao": "high",
    "medium": "medium",
    "moderate": "medium",
    "trung binh": "medium",
    "low": "low",
    "thap": "low",
}
SEVERITY_RANK = {"": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,}$")
KB_ID = re.compile(r"^KB\d{6,8}$")


def fold(text: str) -> str:
    """Case- and accent-insensitive form: headers typed without diacritics
    ("So cong van") still match."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.key, _column.english, _column.vietnamese):
        HEADER_ALIASES[fold(_alias)] = _column.key
for _extra, _key in {
    "warning": "number",
    "so hieu": "number",
    "cve ids": "cves",
    "fixed version": "fixed",
    "fixed build": "fixed",
    "ban va": "kbs",
    "han xu ly": "deadline",
    "han": "deadline",
}.items():
    HEADER_ALIASES[_extra] = _key


def header_key(header: str) -> str | None:
    """The column a header names; bilingual headers ("Số công văn / Warning
    number") match on either half."""
    for part in [header, *header.split("/")]:
        key = HEADER_ALIASES.get(fold(part))
        if key:
            return key
    return None


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r} (write dd/mm/yyyy)")


def parse_severity(value: str) -> str:
    key = fold(value)
    if key not in SEVERITIES:
        raise ValueError(f"unknown severity {value!r} (critical, high, medium, low)")
    return SEVERITIES[key]


def split_ids(value: str, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    ids = []
    for token in re.split(r"[\s,;]+", value.strip()):
        if not token:
            continue
        token = token.upper()
        if what == "KB" and token.isdigit():
            token = "KB" + token
        if not pattern.match(token):
            raise ValueError(f"not a {what} id: {token!r}")
        if token not in ids:
            ids.append(token)
    return tuple(ids)


def parse_bool(value: str) -> bool:
    key = fold(value)
    if key in ("", "no", "khong", "false", "0", "n"):
        return False
    if key in ("yes", "co", "true", "1", "y", "x"):
        return True
    raise ValueError(f"not yes/no: {value!r}")
