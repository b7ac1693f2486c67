"""The stand-in itself: spec parsing, osquery's table visibility rules and the
manager methods nobody else calls, spoken to with osquery-python's client."""
from __future__ import annotations

import json
from pathlib import Path

import osquery
import pytest
from osquery.extensions.ttypes import InternalExtensionInfo

from tests.osquery_standin import SCENARIOS, OsqueryStandIn, load_scenario
from tests.osquery_standin.scenarios import FIXTURES, OWN_SPECS, TABLE_PLATFORMS, shared_specs_dir, table_platforms
from tests.osquery_standin.specs import SpecError, load_specs, parse_spec

SPEC = '''
table_name("things", aliases=["stuff"])
description("Things.")
schema([
    Column("name", TEXT, "Name", index=True),
    Column("size", BIGINT, "Size"),
    Column("secret", TEXT, "Hidden input", hidden=True, additional=True),
    ForeignKey(column="uid", table="users"),
])
extended_schema(WINDOWS, [Column("drive", TEXT, "Drive letter")])
extended_schema(lambda: LINUX() or DARWIN(), [Column("inode", INTEGER, "Inode")])
implementation("things@genThings")
'''


def test_spec_parser_reads_columns_platforms_hidden_and_aliases() -> None:
    spec = parse_spec(SPEC)
    assert (spec.name, spec.aliases) == ("things", ("stuff",))
    assert [c.name for c in spec.columns_for("windows")] == ["name", "size", "drive"]
    assert [c.name for c in spec.columns_for("darwin", include_hidden=True)] == ["name", "size", "secret", "inode"]
    with pytest.raises(SpecError, match="no table_name"):
        parse_spec('description("x")')
    with pytest.raises(SpecError, match="unknown platform"):
        parse_spec('table_name("t")\nschema([Column("a", TEXT, "")])\nextended_schema(BEOS, [])')


def test_every_shared_spec_parses(shared_dir: Path) -> None:
    specs = load_specs(shared_dir / "osquery" / "specs")
    assert len(specs) == 19
    assert specs["programs"].aliases == ("programs_and_features",)
    assert [c.name for c in specs["os_version"].columns_for("windows")][-2:] == ["install_date", "revision"]
    assert "revision" not in [c.name for c in specs["os_version"].columns_for("linux")]


def test_builtin_lists_agree_with_shared_specs(shared_dir: Path) -> None:
    """TABLE_PLATFORMS and tables.json stand in for the specs: keep them true."""
    specs_dir = shared_dir / "osquery" / "specs"
    assert table_platforms(specs_dir) == TABLE_PLATFORMS
    specs = load_specs(specs_dir)
    fallback = json.loads((FIXTURES / "tables.json").read_text(encoding="utf-8"))["tables"]
    for table, columns in fallback.items():
        known = {c.name for c in specs[table].columns}
        assert set(columns) <= known, table


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fixture_rows_fit_the_real_specs(scenario: str, shared_dir: Path) -> None:
    OsqueryStandIn(scenario, specs_dir=shared_dir / "osquery" / "specs").stop()  # raises on a stray column


def test_tables_of_other_platforms_do_not_exist(shared_dir: Path) -> None:
    with OsqueryStandIn("windows", specs_dir=shared_dir / "osquery" / "specs") as standin:
        tables = set(standin.database.tables)
        star = standin.database.query("SELECT * FROM os_version")[0]
        alias = standin.database.query("SELECT count(*) AS n FROM programs_and_features")
    assert {"programs", "patches", "chocolatey_packages", "uptime"} <= tables
    assert not tables & {"deb_packages", "rpm_packages", "apps", "homebrew_packages"}
    assert "revision" in star and "pid_with_namespace" not in star
    assert alias == [{"n": "7"}]


def test_unknown_scenario_and_stray_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown osquery scenario"):
        load_scenario("solaris")
    scenario = load_scenario("debian")
    scenario.add_rows("programs", [{"name": "x"}])
    with pytest.raises(ValueError, match="no table 'programs' on linux"):
        OsqueryStandIn(scenario, specs_dir=None)


def test_manager_methods_answer_like_osquery() -> None:
    with OsqueryStandIn("macos", specs_dir=None) as standin:
        client = osquery.ExtensionClient(standin.socket_path)
        assert client.open(timeout=2)
        manager = client.extension_manager_client()
        try:
            info = InternalExtensionInfo(name="ext", version="1", sdk_version="5.0.0", min_sdk_version="1.8.0")
            status = manager.registerExtension(info, {})
            assert (status.code, status.message) == (0, "OK")
            assert manager.registerExtension(info, {}).message == "Duplicate extension registered"
            assert list(manager.extensions()) == [status.uuid]
            assert manager.options() == {}
            assert manager.deregisterExtension(status.uuid).code == 0
            assert manager.deregisterExtension(status.uuid).message == "No extension UUID registered"
            bad = manager.query("SELECT nope FROM apps")
            assert (bad.status.code, bad.status.message, bad.response) == (1, "no such column: nope", [])
            columns = manager.getQueryColumns("SELECT name, path FROM apps")
            assert columns.response == [{"name": "TEXT"}, {"path": "TEXT"}]
        finally:
            client.close()


def test_the_triage_tables_specs_are_ours_and_documented() -> None:
    specs = load_specs(OWN_SPECS)
    sources = (OWN_SPECS / "SOURCES.md").read_text(encoding="utf-8")
    assert set(specs) == {"listening_ports", "processes", "process_open_sockets", "startup_items", "file",
                          "crontab", "systemd_units", "scheduled_tasks", "services", "authenticode", "registry"}
    assert all((f"| {name}.table |" in sources or f"`{name}.table`" in sources) and name in TABLE_PLATFORMS
               for name in specs)
    assert [c.name for c in specs["file"].columns_for("windows")][-1] == "shortcut_comment"


@pytest.mark.parametrize("scenario", ["windows", "debian"])
@pytest.mark.parametrize("shared", [True, False])
def test_triage_rows_fit_the_real_specs(scenario: str, shared: bool) -> None:
    """With or without the shared specs, the triage tables are the real ones (a stray column raises)."""
    with OsqueryStandIn(scenario, triage=True, specs_dir=shared_specs_dir() if shared else None) as standin:
        assert standin.database.query("SELECT count(*) AS n FROM processes")[0]["n"] in ("4", "5")
        assert "net_namespace" in dict(standin.database.tables["listening_ports"]) or scenario == "windows"
    with pytest.raises(ValueError, match="no triage rows for scenario 'rhel'"):
        OsqueryStandIn("rhel", triage=True)
