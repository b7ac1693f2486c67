"""Migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, and go down and up again."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from server.db import migrate
from server.db.engine import make_engine
from server.db.models import Base


def test_migrated_schema_matches_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_downgrade_to_first_revision_and_back(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.downgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_upgrade_keeps_rows_of_tables_it_rebuilds(db_url: str) -> None:
    """0004 rebuilds ``units`` on SQLite (a new foreign key) while hosts and
    secrets refer to it: the rows and their references survive."""
    from sqlalchemy import text

    engine = make_engine(db_url)
    migrate.downgrade(engine, "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO units (id, name, created_at, approve_new_hosts) "
                                "VALUES (7, 'Xã B', '2026-11-30 08:00:00', false)"))
        connection.execute(text("INSERT INTO hosts (uuid, hostname, unit_id, platform, platform_like, os_name, "
                                "os_version, os_build, os_arch, os_codename, distro, hardware, collector_version, "
                                "collector_source, enrolled_at, last_report_at) VALUES ('u1', 'pc-1', 7, '', '', "
                                "'', '', '', '', '', '', '', '', '', '2026-11-30 08:00:00', '2026-12-01 09:00:00')"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT h.hostname, u.name, u.parent_id FROM hosts h "
                                       "JOIN units u ON u.id = h.unit_id")).all() == [("pc-1", "Xã B", None)]
        days = connection.execute(text("SELECT CAST(day AS VARCHAR) FROM host_report_days")).scalars().all()
    assert [str(d)[:10] for d in days] == ["2026-12-01"]
    engine.dispose()
