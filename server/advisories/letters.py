"""Store national warning letters next to the advisory each one became, and
import a filled template or a PDF letter in one go.

A PDF letter names CVEs in prose; the fixed versions live at the vendors. Its
CVEs are resolved through the other feeds (``server.advisories.resolve``), so
a letter imported before or after those feeds ends up the same.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.advisories.importer import ImportSummary, finish, store_documents
from server.db.models import Advisory, Warning
from server.errors import InvalidInput
from server.feeds import letters as pdf_letters
from server.feeds.interface import Parsed
from server.feeds.warning_columns import SEVERITY_RANK
from server.feeds.warnings import Letter, TemplateResult


def _merged(old: list[str], new: tuple[str, ...], replace: bool) -> list[str]:
    if replace and new:
        return list(dict.fromkeys(new))
    return list(dict.fromkeys([*old, *new]))


def store_letter(session: Session, letter: Letter, replace_cves: bool = False) -> Warning:
    """Upsert a letter by number and link it to its ``warning`` advisory, whose
    deadline is the letter's.

    A template names only some of a letter's CVEs (one per product row), so
    its CVEs are added to those known; a PDF letter's text is its whole list
    (``replace_cves``)."""
    row = session.scalar(select(Warning).where(Warning.number == letter.number))
    if row is None:
        row = Warning(number=letter.number, cves=[])
        session.add(row)
    row.issuing_body = letter.issuing_body or row.issuing_body
    row.issued_on = letter.issued_on or row.issued_on
    row.subject = letter.subject or row.subject
    row.severity = letter.severity or row.severity
    row.cves = _merged(list(row.cves or []), letter.cves, replace_cves)
    row.deadline = letter.deadline or row.deadline
    advisory = session.scalar(
        select(Advisory).where(Advisory.source == "warning", Advisory.advisory_id == letter.number)
    )
    if advisory is not None:
        advisory.deadline = row.deadline
        row.advisory_pk = advisory.id
    session.flush()
    return row


def import_letters(session: Session, source: str, result: TemplateResult, now: dt.datetime) -> ImportSummary:
    """Store the template's advisories and letters, resolve the letters' CVEs
    through the other feeds, re-match what changed."""
    summary, results = store_documents(session, [Parsed(source, advisories=result.advisories)], now)
    for letter in result.letters:
        warning = store_letter(session, letter)
        # All its CVEs, a PDF's too: the warning is resolved again as a whole.
        summary.cves.update(cve.upper() for cve in warning.cves)
    finish(session, summary, results, now)
    return summary


def letter_of_pdf(
    text: pdf_letters.Letter,
    number: str = "",
    deadline: dt.date | None = None,
    issuing_body: str = "",
    issued_on: dt.date | None = None,
    subject: str = "",
) -> Letter:
    """The letter to store: what the admin gave wins over the guesses from
    the text. No number at all, or no CVE, is an error."""
    number = " ".join(number.split()) or text.number
    if not number:
        raise InvalidInput("no letter number found in the text (\"Số: ...\"); give --number")
    if not text.cve_ids:
        raise InvalidInput(
            f"letter {number} names no CVE; describe its products in a template instead "
            "(`patchgap warnings template`)"
        )
    levels = [level for _, level in text.severities]
    return Letter(
        number=number,
        issuing_body=issuing_body.strip(),
        issued_on=issued_on or text.date,
        subject=subject.strip() or text.subject,
        severity=max(levels, key=SEVERITY_RANK.__getitem__, default=""),
        cves=text.cve_ids,
        deadline=deadline,
    )


def import_letter_pdf(
    session: Session,
    path: Path,
    number: str = "",
    deadline: dt.date | None = None,
    *,
    issuing_body: str = "",
    issued_on: dt.date | None = None,
    subject: str = "",
    now: dt.datetime,
) -> tuple[Warning, ImportSummary]:
    """Read a PDF letter, record it as a warning, resolve its CVEs through the
    stored feeds and open the findings it implies. Re-importing the same
    letter changes nothing; a corrected letter replaces the CVE list."""
    text = pdf_letters.read_letter(path)
    letter = letter_of_pdf(text, number, deadline, issuing_body, issued_on, subject)
    warning = store_letter(session, letter, replace_cves=True)
    summary = ImportSummary(documents=1, cves={cve.upper() for cve in letter.cves})
    finish(session, summary, [], now)
    advisory = session.get(Advisory, warning.advisory_pk) if warning.advisory_pk is not None else None
    if text.exploited and advisory is not None:
        # The letter itself says "đang bị khai thác": as strong as a KEV entry.
        advisory.exploited = True
    return warning, summary
