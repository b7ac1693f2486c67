"""Store national warning letters next to the advisory each one became."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Advisory, Warning
from server.feeds.warnings import Letter


def store_letter(session: Session, letter: Letter) -> Warning:
    """Upsert a letter by number and link it to its ``warning`` advisory, whose
    deadline is the letter's."""
    row = session.scalar(select(Warning).where(Warning.number == letter.number))
    if row is None:
        row = Warning(number=letter.number)
        session.add(row)
    row.issuing_body = letter.issuing_body
    row.issued_on = letter.issued_on
    row.subject = letter.subject
    row.severity = letter.severity
    row.cves = list(letter.cves)
    row.deadline = letter.deadline
    advisory = session.scalar(
        select(Advisory).where(Advisory.source == "warning", Advisory.advisory_id == letter.number)
    )
    if advisory is not None:
        advisory.deadline = letter.deadline
        row.advisory_pk = advisory.id
    session.flush()
    return row
