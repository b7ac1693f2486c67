"""Fixtures shared by the whole suite.

``shared_dir`` is the one door to ``../shared/testdata`` (real third-party
data kept beside the project, never copied into it): tests that need it skip
with a clear reason when it is absent.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# The protocol-level osquery stand-in (`osquery_standin` fixture).
pytest_plugins = ["tests.osquery_standin.pytest_plugin"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_testdata() -> Path:
    override = os.environ.get("PATCHGAP_SHARED_TESTDATA")
    if override:
        return Path(override)
    return PROJECT_ROOT.parent / "shared" / "testdata"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared/testdata``; skips the test when that folder is absent."""
    path = _shared_testdata()
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path} (set PATCHGAP_SHARED_TESTDATA)")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The project's own small hand-written fixtures."""
    return FIXTURES


# --- databases: every database test runs on SQLite and on PostgreSQL ---------

POSTGRES_ENV = "PATCHGAP_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url and os.environ.get("CI"):
        pytest.fail(f"CI must test PostgreSQL: set {POSTGRES_ENV} (.ci/run does)")
    return url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating)."""
    from server.db import migrate
    from server.db.engine import make_engine

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_template():  # type: ignore[no-untyped-def]
    """(admin URL, template database name): migrated once per session."""
    import uuid

    from sqlalchemy import create_engine, text

    from server.db import migrate
    from server.db.engine import make_engine, normalise_url

    admin = _postgres_admin_url()
    if not admin:
        yield None
        return
    name = f"pg_template_{uuid.uuid4().hex[:8]}"
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    template = make_engine(_with_database(admin, name))
    migrate.upgrade(template)
    template.dispose()
    yield admin, name
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _with_database(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    from server.db.engine import normalise_url

    return make_url(normalise_url(url)).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fresh, migrated database for one test: a SQLite file, or a PostgreSQL
    database cloned from a migrated template."""
    import shutil
    import uuid

    if request.param == "sqlite":
        path = tmp_path / "patchgap.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    found = request.getfixturevalue("_postgres_template")
    if found is None:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV}=postgresql://user:pw@host/postgres")
    from sqlalchemy import create_engine, text

    from server.db.engine import normalise_url

    admin, template = found
    name = f"pg_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _with_database(admin, name)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    from server.db.engine import make_engine

    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):  # type: ignore[no-untyped-def]
    from server.db.engine import make_sessionmaker

    return make_sessionmaker(engine)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite golden files from what the code renders now (then review the diff).")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
