"""Scenarios: which platform the stand-in pretends to be and which rows its
tables hold.

Rows come from the project's own fixtures (``tests/fixtures/osquery/<name>.json``)
and, on request, from the recorded samples in ``../shared/testdata/osquery``
(see :mod:`tests.osquery_standin.samples`). Table specs come from the shared
folder when present; without it the tables are shaped by the fixture rows.
The triage tables' specs are the project's own verbatim copies
(``tests/fixtures/osquery/specs``), used with or without the shared folder.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.osquery_standin.specs import TableSpec, load_specs

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "osquery"
OWN_SPECS = FIXTURES / "specs"
SCENARIOS = ("windows", "debian", "ubuntu", "rhel", "macos")
PLATFORMS = ("windows", "linux", "darwin")

# Which platforms osquery compiles each table for (specs/CMakeLists.txt).
# Our own short list, so the stand-in works without ../shared; a test keeps
# it in step with ../shared/testdata/osquery/specs/platforms.json.
TABLE_PLATFORMS: dict[str, frozenset[str]] = {
    **{t: frozenset({"windows"}) for t in (
        "programs", "patches", "chocolatey_packages", "windows_update_history",
        "windows_security_center", "windows_security_products",
        "scheduled_tasks", "services", "authenticode", "registry")},
    **{t: frozenset({"linux"}) for t in ("deb_packages", "rpm_packages", "systemd_units")},
    **{t: frozenset({"darwin"}) for t in ("apps", "homebrew_packages")},
    "crontab": frozenset({"linux", "darwin"}),
    **{t: frozenset(PLATFORMS) for t in (
        "os_version", "system_info", "kernel_info", "python_packages", "chrome_extensions",
        "interface_addresses", "interface_details", "osquery_info", "uptime",
        "listening_ports", "processes", "process_open_sockets", "startup_items", "file")},
}

Rows = list[dict[str, str]]


@dataclass
class Scenario:
    name: str
    platform: str  # windows, linux or darwin
    tables: dict[str, Rows] = field(default_factory=dict)  # table -> rows

    def add_rows(self, table: str, rows: Rows) -> None:
        self.tables.setdefault(table, []).extend(rows)


def shared_testdata() -> Path:
    """Same rule as tests/conftest.py: $PATCHGAP_SHARED_TESTDATA or ../shared/testdata."""
    override = os.environ.get("PATCHGAP_SHARED_TESTDATA")
    return Path(override) if override else PROJECT_ROOT.parent / "shared" / "testdata"


def shared_specs_dir() -> Path | None:
    path = shared_testdata() / "osquery" / "specs"
    return path if path.is_dir() else None


def table_platforms(specs_dir: Path | None = None) -> dict[str, frozenset[str]]:
    """TABLE_PLATFORMS, extended by platforms.json beside the specs if present."""
    result = dict(TABLE_PLATFORMS)
    mapping = specs_dir / "platforms.json" if specs_dir else None
    if mapping and mapping.is_file():
        for table, names in json.loads(mapping.read_text(encoding="utf-8")).items():
            if not table.startswith("_"):
                result[table] = frozenset("darwin" if n == "macos" else n for n in names) & set(PLATFORMS)
    return result


def own_specs_for(platform: str) -> dict[str, TableSpec]:
    """The triage tables osquery has on ``platform``, from the project's own copies."""
    return {name: spec for name, spec in load_specs(OWN_SPECS).items() if platform in TABLE_PLATFORMS.get(name, ())}


def specs_for(platform: str, specs_dir: Path | None) -> dict[str, TableSpec] | None:
    """The spec of every table osquery has on ``platform`` (the shared specs
    and the triage tables'); None without the shared specs."""
    if specs_dir is None:
        return None
    platforms = table_platforms(specs_dir)
    shared = {name: spec for name, spec in load_specs(specs_dir).items() if platform in platforms.get(name, ())}
    return {**own_specs_for(platform), **shared}


def add_triage_rows(scenario: Scenario, now: float | None = None) -> None:
    """The triage tables' rows of ``scenario`` (``triage_<name>.json``); an
    mtime of ``@recent`` becomes an hour before ``now``."""
    path = FIXTURES / f"triage_{scenario.name}.json"
    if not path.is_file():
        raise ValueError(f"no triage rows for scenario {scenario.name!r} ({path.name})")
    recent = str(int((now or time.time()) - 3600))
    for table, rows in json.loads(path.read_text(encoding="utf-8"))["tables"].items():
        scenario.add_rows(table, [{k: recent if v == "@recent" else v for k, v in row.items()} for row in rows])


def load_scenario(name: str, *, samples_dir: Path | None = None, triage: bool = False) -> Scenario:
    """The rows of scenario ``name``; with ``samples_dir`` (the shared
    ``osquery/samples`` folder) the recorded rows for that scenario are added,
    with ``triage`` the rows of the triage tables."""
    path = FIXTURES / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"unknown osquery scenario {name!r} (known: {', '.join(SCENARIOS)})")
    data = json.loads(path.read_text(encoding="utf-8"))
    scenario = Scenario(name, data["platform"], {t: list(rows) for t, rows in data["tables"].items()})
    if samples_dir is not None:
        from tests.osquery_standin.samples import add_samples

        add_samples(scenario, samples_dir)
    if triage:
        add_triage_rows(scenario)
    return scenario
