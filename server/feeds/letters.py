"""National warning letters (công văn) as PDF: text and best guesses.

A letter names CVEs in prose: number ("Số: 1547/CATTT-NCSC"), date ("Hà Nội,
ngày 10 tháng 10 năm 2022"), subject ("V/v ..."), CVEs grouped by impact
("Nghiêm trọng" / "Cao" / "Trung bình" / "Thấp") and flags such as "đang bị
khai thác trong thực tế". :func:`read_letter` extracts the text with pypdf
(NFC-normalised, so Vietnamese diacritics compare as typed) and guesses those
fields; an admin confirms them on import. Scanned letters have no text layer:
they are refused with a :class:`FeedError` asking for OCR first.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from server.feeds.interface import FeedError

LEVELS = {"nghiêm trọng": "critical", "cao": "high", "trung bình": "medium", "thấp": "low"}
_LEVEL = r"(nghiêm\s+trọng|cao|trung\s+bình|thấp)"
_CVE = re.compile(r"\bCVE\s*[-‐‑–]\s*(\d{4})\s*[-‐‑–]\s*(\d{4,7})\b", re.IGNORECASE)
_NUMBER = (re.compile(r"\bSố\s*:\s*(\d+\s*/\s*[\w.&/-]+)"),
           re.compile(r"\bSố\s+(\d+\s*/\s*[\w.&/-]+)"))
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_DIGITS = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_SUBJECT = re.compile(r"^\s*V/v\s*[:.]?\s*(.+)$", re.IGNORECASE)
_SUBJECT_END = re.compile(r"^\s*(kính\s+gửi|cộng\s+hòa|độc\s+lập|.*,\s*ngày\s+\d"
                          r"|.*,\s*\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_IN_LINE = re.compile(r"mức\s+độ(?:\s+nghiêm\s+trọng)?\s*(?:là\s*)?[:\-–]?\s*" + _LEVEL + r"\b"
                      r"|lỗ\s+hổng\s+(?:có\s+)?(?:mức\s+độ\s+)?" + _LEVEL + r"\b"
                      r"|\(\s*" + _LEVEL + r"\s*\)", re.IGNORECASE)
_BARE = re.compile(r"^\s*(?:[-•+*–]\s*|(?:\d+|[IVX]+|[a-zđ])[.)]\s*)*(?:mức\s+(?:độ\s+)?)?"
                   + _LEVEL + r"\s*:?\s*$", re.IGNORECASE)
_CELL = re.compile(r"(?<!\w)(Nghiêm\s+trọng|NGHIÊM\s+TRỌNG|Cao|CAO|Trung\s+bình|TRUNG\s+BÌNH"
                   r"|Thấp|THẤP)(?!\w)")  # a table cell: capitalised, unlike prose
_MARKER = re.compile(r"^\s*(?:[-•+*–]|(?:\d+|[IVX]+|[a-zđ])[.)])", re.IGNORECASE)
_TRAILING = re.compile(r"[\s|,;:]" + _LEVEL + r"[\s.|]*$", re.IGNORECASE)
_SECTION_END = re.compile(r"^\s*(phụ\s+lục|đề\s+nghị|kiến\s+nghị|trân\s+trọng|nơi\s+nhận)",
                          re.IGNORECASE)
_EXPLOITED = re.compile(r"(?:đang|đã)\s+bị\s+(?:tin\s+tặc\s+|đối\s+tượng\s+)?khai\s+thác",
                        re.IGNORECASE)
_NEGATION = re.compile(r"\b(chưa|không)\b", re.IGNORECASE)
_ITEM = r"\s*(?:[-•+*–]|\d+\s*[.)|]|\d+\s+CVE|CVE)"  # a bullet, a numbered or table row
_SEGMENT = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=" + _ITEM + ")")
# NOTE: pypdf raises its own errors, but a damaged file can surface as plain
# ValueError/KeyError/TypeError from deep inside its object parser.
_PDF_ERRORS = (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError,
               IndexError, RecursionError, zlib.error, NotImplementedError)


@dataclass(frozen=True)
class Letter:
    """What a letter says, as far as the text lets us guess."""

    text: str
    cve_ids: tuple[str, ...] = ()
    number: str = ""
    date: dt.date | None = None
    subject: str = ""
    severities: tuple[tuple[str, str], ...] = ()  # (CVE, critical|high|medium|low)
    exploited: tuple[str, ...] = ()

    def severity_of(self, cve_id: str) -> str:
        """The severity group a CVE was listed under, or ``""``."""
        return dict(self.severities).get(cve_id, "")


def read_letter(pdf_path: Path) -> Letter:
    """Read a letter PDF; unreadable, encrypted, non-PDF or text-less -> :class:`FeedError`."""
    return parse_letter_text(pdf_text(pdf_path))


def pdf_text(pdf_path: Path) -> str:
    """The NFC-normalised text layer of a PDF, pages separated by blank lines."""
    try:
        with open(pdf_path, "rb") as handle:
            if b"%PDF-" not in handle.read(1024):
                raise FeedError(f"{pdf_path}: not a PDF file")
    except OSError as exc:
        raise FeedError(f"{pdf_path}: cannot read: {exc}") from exc
    try:
        reader = PdfReader(pdf_path)
        # NOTE: many official PDFs are encrypted with an empty user password
        # (printing/copy restrictions only); those open without asking.
        if reader.is_encrypted and not reader.decrypt(""):
            raise FeedError(f"{pdf_path}: the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FeedError:
        raise
    except _PDF_ERRORS as exc:
        raise FeedError(f"{pdf_path}: unreadable PDF: {exc}") from exc
    text = unicodedata.normalize("NFC", "\n\n".join(pages)).replace("\u00a0", " ")
    if not text.strip():
        raise FeedError(f"{pdf_path}: the PDF has no text layer (a scan?): run OCR first")
    return text


def parse_letter_text(text: str) -> Letter:
    """Guess a letter's fields from its text (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    cves = tuple(dict.fromkeys(_cve(m) for m in _CVE.finditer(text)))
    return Letter(text=text, cve_ids=cves, number=_number(text), date=_date(text),
                  subject=_subject(text), severities=_severities(text),
                  exploited=_exploited(text))


def _cve(match: re.Match[str]) -> str:
    return f"CVE-{match.group(1)}-{match.group(2)}"


def _level(word: str) -> str:
    return LEVELS[" ".join(word.lower().split())]


def _number(text: str) -> str:
    for pattern in _NUMBER:
        match = pattern.search(text)
        if match:
            return re.sub(r"\s+", "", match.group(1)).rstrip(".-/")
    return ""


def _date(text: str) -> dt.date | None:
    for pattern in (_DATE_WORDS, _DATE_DIGITS):
        for match in pattern.finditer(text):
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    return None


def _subject(text: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _SUBJECT.match(line)
        if not match:
            continue
        parts = [match.group(1).strip()]
        for following in lines[index + 1: index + 4]:
            if not following.strip() or _SUBJECT_END.match(following):
                break
            parts.append(following.strip())
        return " ".join(parts)
    return ""


def _severities(text: str) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        cves = [_cve(m) for m in _CVE.finditer(line)]
        if not cves:
            levels = {_level(w) for m in _IN_LINE.finditer(line) for w in m.groups() if w}
            # A heading ends with ":" or is a short numbered/bulleted line; a
            # wrapped prose line ("... 88 lỗ hổng mức độ cao.") is neither.
            heading = line.rstrip().endswith(":") or (
                _MARKER.match(line) is not None and len(line.split()) <= 10)
            bare = _BARE.match(line)
            if bare:
                current = _level(bare.group(1))
            elif len(levels) == 1 and heading:
                current = levels.pop()
            elif _SECTION_END.match(line):
                current = ""
            continue
        own = _IN_LINE.search(line) or _CELL.search(line) or _TRAILING.search(line)
        level = _level(next(w for w in own.groups() if w)) if own else current
        for cve in cves:
            if level and cve not in found:
                found[cve] = level
    return tuple(found.items())


def _exploited(text: str) -> tuple[str, ...]:
    segments = [s for s in _SEGMENT.split(text) if s and s.strip()]
    marked: list[str] = []
    for index, segment in enumerate(segments):
        phrase = _EXPLOITED.search(segment)
        if not phrase or _NEGATION.search(segment[: phrase.start()]):
            continue
        cves = [_cve(m) for m in _CVE.finditer(segment)]
        if not cves and segment.rstrip().endswith(":"):
            for following in segments[index + 1:]:  # the list under "...khai thác:"
                found = [_cve(m) for m in _CVE.finditer(following)]
                if not found or not re.match(_ITEM, following, re.IGNORECASE):
                    break
                cves.extend(found)
        elif not cves and re.search(r"\bnày\b", segment) and index > 0:
            cves = [_cve(m) for m in _CVE.finditer(segments[index - 1])]  # "lỗ hổng này"
        marked.extend(cves)
    return tuple(dict.fromkeys(marked))
