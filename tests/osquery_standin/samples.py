"""Recorded osquery rows from ``../shared/testdata/osquery/samples`` as table
rows for the stand-in.

The sample files come in several shapes (see their SOURCES.md): rows tagged
with Zentral's extra ``table_name`` column, Fleet fragments, rows typed by a
vendor API. Each adapter below takes only what osquery itself would have
returned for one table, undoing the recorder's additions.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.osquery_standin.scenarios import Rows, Scenario


def _load(samples_dir: Path, name: str) -> Any:
    return json.loads((samples_dir / name).read_text(encoding="utf-8"))


def _tagged(samples_dir: Path, name: str, table: str) -> Rows:
    """Zentral rows carry a literal ``table_name`` column added by its SQL."""
    rows = _load(samples_dir, name)["rows"]
    return [{k: v for k, v in row.items() if k != "table_name"} for row in rows if row.get("table_name") == table]


def _windows(scenario: Scenario, samples_dir: Path) -> None:
    scenario.add_rows("programs", _tagged(samples_dir, "windows10_zentral_inventory.json", "programs"))
    scenario.add_rows("patches", _load(samples_dir, "windows_patches_osquery_pr2837.json")["rows"])


def _debian(scenario: Scenario, samples_dir: Path) -> None:
    # osquery 4.x row: no `source`/`admindir` yet, which read as NULL here.
    scenario.add_rows("deb_packages", _tagged(samples_dir, "debian10_macos_zentral_inventory.json", "deb_packages"))


def _rhel(scenario: Scenario, samples_dir: Path) -> None:
    data = _load(samples_dir, "rhel9_rpm_fragments_fleet.json")
    epochs = data["epoch_by_package"]
    # Fragments: name/version/release only; epoch from Fleet's epoch map
    # ("" = NULL, as osquery returns a header without an epoch).
    scenario.add_rows("rpm_packages", [
        {**row, "arch": "x86_64", "epoch": str(epochs.get(row["name"], ""))}
        for row in data["kernel_rpm_name_version_release"]
    ])


def _macos(scenario: Scenario, samples_dir: Path) -> None:
    data = _load(samples_dir, "macos_apps_rows.json")
    jumpcloud = {k: v for k, v in data["python_app_jumpcloud"].items() if k not in ("system_id", "collection_time")}
    # NOTE: JumpCloud typed last_opened_time as a number; osquery sends "-1.0".
    jumpcloud["last_opened_time"] = "-1.0"
    scenario.add_rows("apps", [data["photo_booth_expected_row"], jumpcloud])


_ADAPTERS: dict[str, Callable[[Scenario, Path], None]] = {
    "windows": _windows,
    "debian": _debian,
    "rhel": _rhel,
    "macos": _macos,
}


def add_samples(scenario: Scenario, samples_dir: Path) -> None:
    """Add the recorded rows that fit ``scenario`` (none for ubuntu: its
    sample is name/version pairs mixed with pip packages, not table rows)."""
    adapter = _ADAPTERS.get(scenario.name)
    if adapter is not None:
        adapter(scenario, samples_dir)
