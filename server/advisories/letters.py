"""Store national warning letters next to the advisory each one became, and
import a filled template or a PDF letter in one go."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.advisories.importer import ImportSummary, finish, store_documents
from server.db.models import Advisory, Warning
from server.feeds.interface import Parsed
from server.feeds.warnings import Letter, TemplateResult


def store_letter(session: Session, letter: Letter) -> Warning:
    """Upsert a letter by number and link it to its ``warning`` advisory, whose
    deadline is the letter's."""
    row = session.scalar(select(Warning).where(Warning.number == letter.number))
    if row is None:
        row = Warning(number=letter.number)
        session.add(row)
    row.issuing_body = letter.issuing_body or row.issuing_body
    row.issued_on = letter.issued_on or row.issued_on
    row.subject = letter.subject or row.subject
    row.severity = letter.severity or row.severity
    row.cves = list(letter.cves) or row.cves or []
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
        store_letter(session, letter)
        summary.cves.update(cve.upper() for cve in letter.cves)
    finish(session, summary, results, now)
    return summary
