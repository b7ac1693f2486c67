"""Schema migrations through Alembic, driven from code (``patchgap db upgrade``,
and automatically by ``serve`` and ``demo``)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from server.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` up to ``revision``."""
    try:
        _run(engine, lambda config: command.upgrade(config, revision))
    except OperationalError as exc:
        raise DatabaseError(f"cannot migrate the database: {exc.orig}") from None


def downgrade(engine: Engine, revision: str) -> None:
    """Step the database at ``engine`` back to ``revision``."""
    _run(engine, lambda config: command.downgrade(config, revision))


def _run(engine: Engine, step: Callable[[Config], None]) -> None:
    """Run a migration step in one transaction.

    NOTE: on SQLite, Alembic's batch mode rebuilds a table to change its
    constraints (copy, drop, rename); with foreign keys enforced, dropping a
    table other rows refer to fails. SQLite's documented procedure: turn
    enforcement off outside the transaction, migrate, check, turn it on
    (https://www.sqlite.org/lang_altertable.html#otheralter)."""
    config = _config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseError(f"migration left {len(broken)} broken references, e.g. {broken[0]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration (developers only)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
