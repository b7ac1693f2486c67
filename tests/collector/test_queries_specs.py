"""Every table and column in ``queries/*.sql`` exists in osquery's table specs
on every platform the query claims.

With the shared specs, each query is prepared by sqlite against tables built
from the specs of that platform (hidden columns included: naming one is
allowed), and sqlite's authorizer lists exactly what the query reads.
Without them, a built-in list of required tables still pins the basics.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from queries.loader import Query, load_queries, load_triage_queries
from tests.osquery_standin.scenarios import TABLE_PLATFORMS, own_specs_for, specs_for
from tests.osquery_standin.specs import TableSpec

# What patchgap cannot work without, and where osquery has it.
REQUIRED_TABLES = {
    "os_version": {"windows", "linux", "darwin"},
    "system_info": {"windows", "linux", "darwin"},
    "osquery_info": {"windows", "linux", "darwin"},
    "interface_addresses": {"windows", "linux", "darwin"},
    "interface_details": {"windows", "linux", "darwin"},
    "programs": {"windows"},
    "chocolatey_packages": {"windows"},
    "patches": {"windows"},
    "deb_packages": {"linux"},
    "rpm_packages": {"linux"},
    "apps": {"darwin"},
    "homebrew_packages": {"darwin"},
}
_FROM = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def _tables_named(query: Query) -> set[str]:
    return set(_FROM.findall(query.sql))


def test_queries_cover_the_required_tables_on_their_platforms() -> None:
    used: dict[str, set[str]] = {}
    for query in load_queries():
        for table in _tables_named(query):
            assert query.platforms <= TABLE_PLATFORMS.get(table, set()), f"{query.name}: {table} not on all platforms"
            used.setdefault(table, set()).update(query.platforms)
    for table, platforms in REQUIRED_TABLES.items():
        assert used.get(table) == platforms, table


def _reads(query: Query, specs: dict[str, TableSpec], platform: str) -> set[tuple[str, str]]:
    """(table, column) pairs ``query`` reads, prepared against ``specs`` on ``platform``."""
    conn = sqlite3.connect(":memory:")
    for name, spec in specs.items():
        columns = ", ".join(f'"{c.name}" {c.sql_type}' for c in spec.columns_for(platform, include_hidden=True))
        conn.execute(f'CREATE TABLE "{name}" ({columns})')
    reads: set[tuple[str, str]] = set()

    def authorize(action: int, table: str | None, column: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table:
            reads.add((table, column or ""))
        return sqlite3.SQLITE_OK

    conn.set_authorizer(authorize)
    try:
        conn.execute(f"EXPLAIN {query.sql}")  # prepare: sqlite checks every name
    except sqlite3.OperationalError as exc:
        pytest.fail(f"{query.name} on {platform}: {exc}")
    finally:
        conn.close()
    return reads


@pytest.mark.parametrize("query", load_queries(), ids=lambda q: q.name)
def test_query_columns_exist_in_osquery_specs(query: Query, shared_dir: Path) -> None:
    for platform in sorted(query.platforms):
        specs = specs_for(platform, shared_dir / "osquery" / "specs")
        assert specs is not None
        reads = _reads(query, specs, platform)
        assert reads, f"{query.name} reads no table column on {platform}"
        for table, column in reads:
            assert column in {c.name for c in specs[table].columns_for(platform, include_hidden=True)}


def test_the_check_catches_a_platform_column_on_the_wrong_platform(shared_dir: Path) -> None:
    """revision is a Windows column: a Linux query naming it must fail."""
    wrong = Query("bad", frozenset({"linux"}), "nothing", "SELECT revision FROM os_version;")
    specs = specs_for("linux", shared_dir / "osquery" / "specs")
    assert specs is not None
    with pytest.raises(pytest.fail.Exception, match="no such column: revision"):
        _reads(wrong, specs, "linux")


@pytest.mark.parametrize("query", load_triage_queries(), ids=lambda q: q.name)
def test_triage_query_columns_exist_in_osquery_specs(query: Query) -> None:
    """Against the triage tables' real specs (the project's verbatim copies),
    on every platform the query claims; osquery has each table there."""
    for platform in sorted(query.platforms):
        specs = own_specs_for(platform)
        for table in _tables_named(query):
            assert platform in TABLE_PLATFORMS[table], f"{query.name}: no {table} on {platform}"
        reads = _reads(query, specs, platform)
        assert {table for table, _ in reads} == _tables_named(query)
        for table, column in reads:
            assert column in {c.name for c in specs[table].columns_for(platform, include_hidden=True)}


def test_the_triage_check_catches_a_windows_column_on_linux() -> None:
    wrong = Query("bad", frozenset({"linux"}), "nothing", "SELECT module_path FROM systemd_units;")
    with pytest.raises(pytest.fail.Exception, match="no such column: module_path"):
        _reads(wrong, own_specs_for("linux"), "linux")
