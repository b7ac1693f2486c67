"""National warnings from the CSV/XLSX template an admin fills from a letter.

Every row is checked before anything is returned: an error names its row
and column. Rows of one warning number become one advisory (source
``warning``) with one affected item per product row, plus the letter's own
facts (:class:`Letter`: number, issuer, date, subject, deadline).
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from server.ecosystems import WINDOWS_OS
from server.feeds import warning_columns as cols
from server.feeds.interface import Advisory, AffectedItem, FeedError, Problem
from server.feeds.windows_builds import build_family

MAX_ROWS = 100_000


@dataclass(frozen=True)
class Letter:
    """A national warning letter (công văn) as the template describes it."""

    number: str
    issuing_body: str = ""
    issued_on: dt.date | None = None
    subject: str = ""
    severity: str = ""
    cves: tuple[str, ...] = ()
    deadline: dt.date | None = None


@dataclass
class TemplateResult:
    letters: list[Letter] = field(default_factory=list)
    advisories: list[Advisory] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number as the admin sees it, {column key: cell}) for each data row."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        yield from _csv_rows(path)
    else:
        raise FeedError(f"{path}: expected a .csv or .xlsx warning template")


def _keyed(headers: list[object], path: Path) -> list[str | None]:
    keys = [cols.header_key(str(h or "")) for h in headers]
    missing = [c.english for c in cols.COLUMNS if c.required and c.key not in keys]
    if missing:
        raise FeedError(f"{path}: missing column(s): {', '.join(missing)} (see `patchgap warnings template`)")
    return keys


def _keyed_rows(
    rows: Iterator[Sequence[object]], path: Path, empty: str
) -> Iterator[tuple[int, dict[str, object]]]:
    """The header row names the columns; each data row keyed by them,
    numbered as the admin sees it in a spreadsheet."""
    headers = next(rows, None)
    if headers is None:
        raise FeedError(f"{path}: {empty}")
    keys = _keyed(list(headers), path)
    for number, row in enumerate(rows, start=2):
        yield number, {k: v for k, v in zip(keys, row) if k}


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    try:
        # utf-8-sig: Excel writes a byte-order mark when saving CSV as UTF-8.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
            yield from _keyed_rows(csv.reader(handle, delimiter=delimiter), path, "the file is empty")
    except UnicodeDecodeError as exc:
        raise FeedError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the CSV as UTF-8") from None
    except OSError as exc:
        raise FeedError(f"{path}: cannot read: {exc.strerror}") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise FeedError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - zipfile/xml errors of a corrupt workbook
        raise FeedError(f"{path}: corrupt .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        yield from _keyed_rows(book.worksheets[0].iter_rows(values_only=True), path, "the first sheet is empty")
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _affected(row: dict[str, object]) -> AffectedItem:
    ecosystem = _text(row.get("ecosystem")).lower()
    product = _text(row.get("product"))
    fixed = _text(row.get("fixed"))
    kbs = cols.split_ids(_text(row.get("kbs")), cols.KB_ID, "KB")
    if ecosystem not in cols.ECOSYSTEMS:
        raise ValueError(f"Ecosystem: unknown {ecosystem!r} ({', '.join(cols.ECOSYSTEMS)})")
    if not product:
        raise ValueError("Product: empty")
    if not fixed and not kbs:
        raise ValueError("Fixed version or build / KB: give a fixed version, an OS build or a KB")
    if ecosystem == WINDOWS_OS:
        family = build_family(fixed) if fixed else None
        family = family or build_family(product)
        if family is None:
            raise ValueError(
                f"Product: cannot tell the Windows build of {product!r}; write the fixed build (10.0.19045.4529)"
            )
        return AffectedItem(ecosystem, family, fixed_version=fixed, fixed_kbs=kbs, vendor="microsoft")
    if kbs and not fixed:
        raise ValueError("KB: only windows-os rows are checked by KB; give the fixed version")
    return AffectedItem(
        ecosystem,
        product,
        fixed_version=fixed,
        vendor=_text(row.get("vendor")),
        distro=_text(row.get("distro")).lower(),
    )


_LETTER_FIELDS = ("issuing_body", "issued_on", "subject", "deadline")


def _row_letter(row: dict[str, object]) -> dict[str, object]:
    """The letter-level facts one row states (empty cells say nothing)."""
    facts: dict[str, object] = {}
    for key in ("issuing_body", "subject"):
        if _text(row.get(key)):
            facts[key] = _text(row.get(key))
    for key in ("issued_on", "deadline"):
        if _text(row.get(key)):
            try:
                facts[key] = cols.parse_date(row[key])
            except ValueError as exc:
                raise ValueError(f"{_header(key)}: {exc}") from None
    return facts


def _shown(value: object) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


def _header(key: str) -> str:
    return next(c.english for c in cols.COLUMNS if c.key == key)


@dataclass
class _Group:
    """The rows of one warning number, gathered."""

    first_row: int
    facts: dict[str, object] = field(default_factory=dict)
    items: list[AffectedItem] = field(default_factory=list)
    cves: list[str] = field(default_factory=list)
    severity: str = ""
    exploited: bool = False
    url: str = ""

    def letter(self, number: str) -> Letter:
        return Letter(
            number=number,
            issuing_body=str(self.facts.get("issuing_body", "")),
            issued_on=self.facts.get("issued_on"),  # type: ignore[arg-type]
            subject=str(self.facts.get("subject", "")),
            severity=self.severity,
            cves=tuple(self.cves),
            deadline=self.facts.get("deadline"),  # type: ignore[arg-type]
        )

    def advisory(self, letter: Letter) -> Advisory:
        issued = letter.issued_on
        return Advisory(
            source="warning",
            advisory_id=letter.number,
            title=letter.subject,
            severity=letter.severity,
            cves=letter.cves,
            published=dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.timezone.utc) if issued else None,
            url=self.url,
            exploited=self.exploited,
            affected=tuple(self.items),
        )


def parse_template(path: Path) -> TemplateResult:
    """Read and check every row of a warning template."""
    result = TemplateResult()
    groups: dict[str, _Group] = {}
    for number, row in read_rows(path):
        if not any(_text(v) for v in row.values()):
            continue  # blank line
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise FeedError(f"{path}: more than {MAX_ROWS} rows; split the file")
        where = f"row {number}"
        try:
            warning = _text(row.get("number"))
            if not warning:
                raise ValueError("Warning number: empty")
            item = _affected(row)
            facts = _row_letter(row)
            cves = cols.split_ids(_text(row.get("cves")), cols.CVE_ID, "CVE")
            severity = cols.parse_severity(_text(row.get("severity"))) if _text(row.get("severity")) else ""
            exploited = cols.parse_bool(_text(row.get("exploited")))
        except ValueError as exc:
            result.problems.append(Problem(str(path), str(exc), where))
            continue
        group = groups.setdefault(warning, _Group(first_row=number))
        for key, value in facts.items():
            seen = group.facts.setdefault(key, value)
            if seen != value:
                result.problems.append(Problem(
                    str(path),
                    f"{_header(key)}: {_shown(value)} differs from {_shown(seen)} given for {warning} "
                    f"in row {group.first_row}",
                    where,
                ))
        group.items.append(item)
        group.cves.extend(c for c in cves if c not in group.cves)
        if cols.SEVERITY_RANK[severity] > cols.SEVERITY_RANK[group.severity]:
            group.severity = severity
        group.exploited = group.exploited or exploited
        group.url = group.url or _text(row.get("url"))
    for number, group in groups.items():
        letter = group.letter(number)
        result.letters.append(letter)
        result.advisories.append(group.advisory(letter))
    return result
