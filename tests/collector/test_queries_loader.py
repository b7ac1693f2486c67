"""queries/loader.py: headers, malformed files, and the osquery pack."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from queries.loader import PLATFORMS, QueryFileError, build_pack, load_queries, load_triage_queries, parse_query

GOOD = """-- name: deb_packages
-- platforms: linux
-- yields: software (deb)
-- NOTE: a free comment with a colon is fine.
SELECT name, version
FROM deb_packages;
"""


def test_shipped_queries_load() -> None:
    queries = {q.name: q for q in load_queries()}
    assert {"programs", "chocolatey_packages", "deb_packages", "rpm_packages", "apps", "homebrew_packages",
            "os_version", "windows_build", "windows_ubr", "system_info", "patches", "interface_addresses",
            "interface_addresses_windows", "osquery_info", "kernel_info"} == set(queries)
    assert {n for n, q in queries.items() if q.required} == {"os_version", "osquery_info", "system_info"}
    assert queries["os_version"].platforms == frozenset(PLATFORMS)
    assert queries["interface_addresses"].platforms == {"linux", "darwin"}
    assert queries["programs"].applies_to("windows") and not queries["programs"].applies_to("linux")
    assert "'% installed'" in queries["deb_packages"].sql


def test_header_parsed_and_removed_from_sql() -> None:
    query = parse_query(Path("deb_packages.sql"), GOOD)
    assert (query.name, query.platforms, query.yields, query.required) == (
        "deb_packages", frozenset({"linux"}), "software (deb)", False)
    assert query.sql == "SELECT name, version\nFROM deb_packages;"
    assert query.compact_sql == "SELECT name, version FROM deb_packages;"


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace("-- yields: software (deb)\n", ""), "header lacks yields"),
    ("SELECT 1;", "header lacks name, platforms, yields"),
    (GOOD.replace("platforms: linux", "platfroms: linux"), "line 2: unknown header key 'platfroms'"),
    (GOOD.replace("platforms: linux", "platforms: linux, beos"), "platforms 'linux, beos'"),
    (GOOD.replace("-- yields", "-- name: again\n-- yields"), "header key 'name' given twice"),
    (GOOD.replace("name: deb_packages", "name: debs"), "must be lowercase_with_underscores and equal the file name"),
    (GOOD.split("SELECT")[0], "no SQL after the header"),
    (GOOD.replace("-- yields", "-- required: maybe\n-- yields"), "required 'maybe'"),
])
def test_malformed_headers_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(QueryFileError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        parse_query(Path("deb_packages.sql"), text)
    assert str(caught.value).startswith("deb_packages.sql: ")


def test_load_from_folder_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "deb_packages.sql").write_text(GOOD, encoding="utf-8")
    assert [q.name for q in load_queries(tmp_path)] == ["deb_packages"]
    (tmp_path / "deb_packages.sql").unlink()
    with pytest.raises(QueryFileError, match="no \\*.sql query files"):
        load_queries(tmp_path)


def test_pack_schedules_every_query_per_platform() -> None:
    pack = build_pack(interval=600)
    json.dumps(pack)  # plain JSON data
    assert set(pack["queries"]) == {q.name for q in load_queries()}
    assert pack["queries"]["windows_build"] == {
        "query": "SELECT major, minor, build, revision FROM os_version;",
        "interval": 600,
        "snapshot": True,
        "description": "os.build (10.0.BUILD.UBR)",
        "platform": "windows",
    }
    assert pack["queries"]["interface_addresses"]["platform"] == "darwin,linux"
    assert "platform" not in pack["queries"]["os_version"]  # all platforms
    assert all("--" not in entry["query"] for entry in pack["queries"].values())


TRIAGE = {"listening_ports", "remote_connections", "startup_items", "scheduled_tasks", "crontab", "services",
          "systemd_units", "recent_executables", "recent_executables_windows", "unsigned_binaries"}


def test_triage_queries_load_from_their_folder_each_with_a_row_cap() -> None:
    from collector import limits

    queries = {q.name: q for q in load_triage_queries()}
    assert set(queries) == TRIAGE
    assert all(q.limit and q.limit <= limits.TRIAGE_ROWS for q in queries.values())
    assert {n for n, q in queries.items() if q.platforms == {"windows"}} == {
        "scheduled_tasks", "services", "recent_executables_windows", "unsigned_binaries"}
    assert queries["systemd_units"].platforms == {"linux"} and queries["crontab"].platforms == {"linux", "darwin"}
    # the inventory (and its osquery pack) never runs them
    assert not TRIAGE & {q.name for q in load_queries()}


@pytest.mark.parametrize("value", ["many", "0", "-5", "1.5"])
def test_a_limit_is_a_whole_number_of_rows(value: str) -> None:
    with pytest.raises(QueryFileError, match=f"limit '{value}': use a whole number of rows"):
        parse_query(Path("deb_packages.sql"), GOOD.replace("-- NOTE", f"-- limit: {value}\n-- NOTE"))
    assert parse_query(Path("deb_packages.sql"), GOOD.replace("-- NOTE", "-- limit: 20\n-- NOTE")).limit == 20


def test_a_triage_query_without_a_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "deb_packages.sql").write_text(GOOD, encoding="utf-8")
    with pytest.raises(QueryFileError, match="deb_packages.sql: a triage query needs a '-- limit: ROWS' line"):
        load_triage_queries(tmp_path)
