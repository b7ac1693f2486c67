"""A document imported in a savepoint is undone with the transaction around
it, on SQLite as on PostgreSQL (pysqlite would otherwise commit it)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from server.advisories.importer import import_documents
from server.db.models import Advisory as AdvisoryRow
from server.feeds.interface import Advisory, AffectedItem, Parsed

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)


def test_rolling_back_the_transaction_undoes_its_savepoints(sessions) -> None:  # type: ignore[no-untyped-def]
    document = Parsed("a.json", [Advisory("osv", "DSA-1", affected=(AffectedItem("deb", "openssl", fixed_version="1"),))])
    session = sessions()
    try:
        import_documents(session, [document], NOW)
        assert session.scalar(select(func.count()).select_from(AdvisoryRow)) == 1
        session.rollback()
    finally:
        session.close()
    with sessions() as fresh:
        assert fresh.scalar(select(func.count()).select_from(AdvisoryRow)) == 0


def test_a_failed_cli_import_leaves_nothing_behind(sessions) -> None:  # type: ignore[no-untyped-def]
    good = Parsed("good.json", [Advisory("osv", "DSA-2", affected=(AffectedItem("deb", "curl", fixed_version="2"),))])
    try:
        with sessions.begin() as session:
            import_documents(session, [good], NOW)
            raise RuntimeError("the admin pressed Ctrl-C")
    except RuntimeError:
        pass
    with sessions() as fresh:
        assert fresh.scalar(select(func.count()).select_from(AdvisoryRow)) == 0
