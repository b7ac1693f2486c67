"""CISA Known Exploited Vulnerabilities (KEV) catalog: enrichment, not findings.

https://www.cisa.gov/known-exploited-vulnerabilities-catalog publishes the same
catalog as JSON and CSV. Both read into :class:`KevEntry` values through
:func:`parse_kev`. :class:`KevFeed` also presents each entry as an
:class:`Advisory` (``source="kev"``, ``advisory_id`` = the CVE,
``exploited=True``, ``deadline`` = CISA's due date) with NO affected items: the
store joins KEV onto other advisories by CVE (marking them exploited, with the
due date as deadline); a KEV advisory never creates a finding by itself.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.feeds.interface import Advisory, Feed, FeedError, Parsed, Problem
from server.feeds.limits import TooLarge, read_document

CATALOG_URL = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
_REQUIRED_COLUMNS = ("cveID", "dateAdded", "dueDate")
_SUFFIXES = (".json", ".csv")


@dataclass(frozen=True)
class KevEntry:
    """One catalog entry."""

    cve: str
    vendor: str
    product: str
    name: str
    date_added: dt.date
    due_date: dt.date
    known_ransomware: bool = False
    notes: str = ""


class _Bad(Exception):
    """A file or row that cannot be used, with where and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path, self.reason = path, reason


def parse_kev(path: Path) -> tuple[list[KevEntry], list[Problem]]:
    """Read a KEV JSON or CSV file. A file that cannot be read at all gives one
    fatal problem; a bad or duplicate row is skipped with a warning."""
    name = str(path)
    try:
        text = read_document(Path(path)).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(name, f"cannot read: {exc}")]
    except TooLarge as exc:
        return [], [Problem(name, str(exc))]
    suffix = Path(path).suffix.lower()
    is_csv = suffix == ".csv" or (suffix != ".json" and not text.lstrip().startswith("{"))
    try:
        rows = _csv_rows(text) if is_csv else _json_rows(text)
    except _Bad as exc:
        return [], [Problem(name, exc.reason, exc.path)]
    entries: dict[str, KevEntry] = {}
    problems: list[Problem] = []
    for where, row in rows:
        try:
            entry = _entry(row, where)
        except _Bad as exc:
            problems.append(Problem(name, exc.reason, exc.path, fatal=False))
            continue
        if entry.cve in entries:
            problems.append(Problem(name, f"duplicate {entry.cve}; first kept", where, fatal=False))
            continue
        entries[entry.cve] = entry
    return list(entries.values()), problems


def _json_rows(text: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Bad("$", f"not JSON: {exc}") from None
    vulns = data.get("vulnerabilities") if isinstance(data, dict) else None
    if not isinstance(vulns, list):
        raise _Bad("$.vulnerabilities", "the catalog has no 'vulnerabilities' array")
    return [(f"$.vulnerabilities[{i}]", row) for i, row in enumerate(vulns)]


def _csv_rows(text: str) -> list[tuple[str, Any]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in _REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise _Bad("line 1", "missing columns: " + ", ".join(missing))
        return [(f"line {reader.line_num}", row) for row in reader]
    except csv.Error as exc:
        raise _Bad("", f"not CSV: {exc}") from None


def _entry(row: Any, where: str) -> KevEntry:
    if not isinstance(row, dict):
        raise _Bad(where, "expected an object")

    def text(key: str) -> str:
        value = row.get(key)
        return value.strip() if isinstance(value, str) else ""

    def date(key: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text(key))
        except ValueError:
            raise _Bad(_at(where, key), f"not a YYYY-MM-DD date: {text(key)[:20]!r}") from None

    cve = text("cveID").upper()
    if not _CVE.match(cve):
        raise _Bad(_at(where, "cveID"), f"not a CVE id: {text('cveID')[:40]!r}")
    return KevEntry(
        cve=cve,
        vendor=text("vendorProject"),
        product=text("product"),
        name=text("vulnerabilityName"),
        date_added=date("dateAdded"),
        due_date=date("dueDate"),
        known_ransomware=text("knownRansomwareCampaignUse").lower() == "known",
        notes=text("notes"),
    )


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where.startswith("$") else f"{where}, column {key}"


def to_advisory(entry: KevEntry) -> Advisory:
    """An entry as an enrichment-only advisory (no affected items)."""
    added = dt.datetime.combine(entry.date_added, dt.time(), dt.timezone.utc)
    return Advisory(
        source="kev",
        advisory_id=entry.cve,
        title=entry.name,
        cves=(entry.cve,),
        published=added,
        revision=entry.date_added.isoformat(),
        url=CATALOG_URL,
        exploited=True,
        deadline=entry.due_date,
    )


class KevFeed(Feed):
    """The KEV catalog as enrichment-only advisories: one :class:`Parsed` per
    file (``.json`` or ``.csv``, or each of them in a folder)."""

    kind = "kev"

    def parse(self, path: Path) -> Iterator[Parsed]:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file())
        elif path.is_file():
            files = [path]
        else:
            raise FeedError(f"{path}: no such file or folder")
        for file in files:
            entries, problems = parse_kev(file)
            yield Parsed(str(file), [to_advisory(e) for e in entries], problems)
