"""What a botnet IP list becomes, whatever its format, and how one cell's
text becomes an address, a port or a time.

Expected non-results are data: a row that cannot be read is a
:class:`RowProblem` with its row number and reason; only a file that cannot
be read at all raises :class:`ListError`.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field

from server.errors import InvalidInput

UTC = dt.timezone.utc
# Vietnam has no daylight saving time: a time written without a zone in a
# Vietnamese table is UTC+7.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "UTC+07:00")
EARLIEST, LATEST = 1990, 2100  # a year outside is junk, not a sighting
# A file read as rows: (row number in the file, its cells).
Rows = list[tuple[int, list[object]]]


@dataclass(frozen=True)
class Entry:
    """One address or network the list names."""

    row: int  # 1-based row/line number in the file (the header is its own row)
    network: str  # "203.0.113.7/32", "198.51.100.0/24", "2001:db8::/64"
    seen_at: dt.datetime | None  # aware UTC; None when the list gives no time
    family: str = ""  # botnet / malware family
    port: int | None = None
    unit: str = ""  # the unit/organisation column, if the list has one
    isp: str = ""


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str


@dataclass(frozen=True)
class ParsedList:
    kind: str  # "table" | "text" | "shadowserver" | "feodo" | "spamhaus-drop"
    entries: list[Entry]
    problems: list[RowProblem]
    headers: list[str]  # the header cells seen (empty for text/json formats)
    encoding: str = "utf-8"  # how a text file was decoded ("" for .xlsx)
    notes: list[str] = field(default_factory=list)  # e.g. "not UTF-8: read as cp1258"


class ListError(InvalidInput):
    """The whole file is refused; the message names the headers it saw, or why."""


def unique(entries: list[Entry]) -> list[Entry]:
    """Entries with the same network, time, family and port kept once (the first)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for entry in entries:
        key = (entry.network, entry.seen_at, entry.family, entry.port)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def file_lines(text: str) -> list[tuple[int, str]]:
    """(line number as an editor shows it, line) for each line: only CR, LF and
    CRLF end a line (``str.splitlines`` would also split on form feeds)."""
    return list(enumerate(re.split(r"\r\n|\r|\n", text), start=1))


def cell_text(value: object) -> str:
    """A cell as one line of NFC text (Excel integers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())


_IPV4_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$")


def parse_network(value: object) -> tuple[str, int | None]:
    """``(normalised CIDR, port written after an IPv4 address or None)``.

    Accepts an address, a CIDR (host bits are dropped: strict=False), an IPv6
    address in brackets, ``a.b.c.d:port`` and defanged ``203.0.113[.]7``."""
    text = cell_text(value).replace("[.]", ".").replace("(.)", ".")
    port = None
    match = _IPV4_PORT.match(text)
    if match:
        text, port = match.group(1), int(match.group(2))
    if text.startswith("[") and "]" in text:
        text = text[1:].replace("]", "", 1)
    try:
        if "%" in text:  # an IPv6 zone (fe80::1%eth0) names a link, not an address on a list
            raise ValueError
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError(f"address {cell_text(value)!r} is not an IP address or network") from None
    if network.prefixlen == 0:
        raise ValueError(f"{text!r} is every address, not a listed network")
    if port is not None and port > 65535:
        raise ValueError(f"port {port} in {cell_text(value)!r} is not a port number (0-65535)")
    return str(network), port


_PORT = re.compile(r"^(\d{1,5})(?:\s*/\s*(?:tcp|udp))?$", re.IGNORECASE)


def parse_port(value: object) -> int | None:
    if isinstance(value, bool):
        raise ValueError(f"port {value!r} is not a port number (0-65535)")
    text = cell_text(value)
    if not text:
        return None
    match = _PORT.match(text)
    if not match or int(match.group(1)) > 65535:
        raise ValueError(f"port {text!r} is not a port number (0-65535)")
    return int(match.group(1))


# A zone after the time: "UTC", "GMT+7", "(UTC+07:00)", "+07:00", "Z". A bare
# "-2026" is the end of a date, not a zone, so a numeric zone needs its colon.
_ZONE = re.compile(
    r"""\s*(?:
        \(?\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\s*\)?   # UTC, GMT+7, (UTC+07:00)
      | (?<=[\d\s])([+-])(\d{2}):(\d{2})                             # +07:00
      | (?<=\d)Z
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_DATES = (
    re.compile(r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})[/.\-](?P<m>\d{1,2})[/.\-](?P<d>\d{1,2})"),
)
# "SA"/"CH" (sáng/chiều) are what Excel writes for AM/PM in a Vietnamese locale.
_TIME = r"(?P<H>\d{1,2})[:hH](?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?(?:\s*(?P<P>AM|PM|SA|CH))?"
_FILLER = re.compile(r"\b(?:ngày|ngay|lúc|luc)\b\s*", re.IGNORECASE)


def _zone(text: str, default: dt.tzinfo) -> tuple[str, dt.tzinfo]:
    match = _ZONE.search(text)
    if not match or match.start() == 0:
        return text, default
    groups = match.groups()  # (sign, hours, minutes) of "UTC+7" or of "+07:00"
    sign, hours, minutes = groups[0] or groups[3], groups[1] or groups[4], groups[2] or groups[5]
    offset = dt.timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if offset >= dt.timedelta(hours=24):
        raise ValueError("zone offset out of range")
    return text[: match.start()].strip(), dt.timezone(-offset if sign == "-" else offset)


def _clock(text: str, default: dt.tzinfo) -> dt.datetime:
    text, zone = _zone(_FILLER.sub("", text).strip(" ,"), default)
    for date in _DATES:
        for pattern in (rf"{date.pattern}(?:[ T,]+{_TIME})?", rf"{_TIME}[ ,]+{date.pattern}"):
            match = re.fullmatch(pattern, text, re.IGNORECASE)
            if match:
                part = match.groupdict()
                hour = int(part["H"] or 0)
                if part["P"]:
                    if not 1 <= hour <= 12:
                        raise ValueError("not a 12-hour time")
                    hour = hour % 12 + (12 if part["P"].upper() in ("PM", "CH") else 0)
                return dt.datetime(int(part["y"]), int(part["m"]), int(part["d"]), hour,
                                   int(part["M"] or 0), int(part["S"] or 0), tzinfo=zone)
    raise ValueError("no date")


def parse_time(value: object, default: dt.tzinfo) -> dt.datetime | None:
    """An aware UTC time from a cell: dd/mm/yyyy [HH:MM[:SS]], yyyy-mm-dd[ HH:MM[:SS]],
    ISO 8601 with a zone, an Excel date cell or serial number. ``default`` is the
    zone of a time written without one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, dt.datetime):
            when = value
        elif isinstance(value, dt.date):
            when = dt.datetime(value.year, value.month, value.day)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            from openpyxl.utils.datetime import from_excel

            when = from_excel(value)  # an .xlsx date cell without a date format
            if not isinstance(when, dt.datetime):
                raise ValueError("not a date serial")
        else:
            text = cell_text(value)
            if re.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$", text):
                when = dt.datetime.fromisoformat(text)
            else:
                when = _clock(text, default)
        if when.tzinfo is None:
            when = when.replace(tzinfo=default)
        when = when.astimezone(UTC)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(f"time {cell_text(value)!r} is not a date and time (write dd/mm/yyyy hh:mm)") from None
    if not EARLIEST <= when.year <= LATEST:
        raise ValueError(f"time {cell_text(value)!r} is not a plausible date ({EARLIEST}-{LATEST})")
    return when


def build_entry(row: int, address: object, *, seen: object = None, family: object = "", port: object = None,
                unit: object = "", isp: object = "", zone: dt.tzinfo = UTC) -> Entry:
    """One checked entry; ``ValueError`` names every reason the row is refused."""
    reasons: list[str] = []
    network, written_port = "", None
    if not cell_text(address):
        reasons.append("no address")
    else:
        try:
            network, written_port = parse_network(address)
        except ValueError as exc:
            reasons.append(str(exc))
    checked_port: int | None = None
    seen_at: dt.datetime | None = None
    try:
        checked_port = parse_port(port)
    except ValueError as exc:
        reasons.append(str(exc))
    try:
        seen_at = parse_time(seen, zone)
    except ValueError as exc:
        reasons.append(str(exc))
    if reasons:
        raise ValueError("; ".join(reasons))
    return Entry(row, network, seen_at, cell_text(family),
                 checked_port if checked_port is not None else written_port, cell_text(unit), cell_text(isp))
