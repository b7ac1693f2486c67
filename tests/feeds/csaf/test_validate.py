"""Offline schema validation: the CSAF 2.0 schema and FIRST's CVSS schemas from a folder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.feeds.csaf.validate import Validator
from server.feeds.interface import FeedError, Problem


def _bsi(shared_dir: Path) -> dict[str, object]:
    return json.loads((shared_dir / "feeds" / "csaf" / "oasis-examples" / "bsi-2022-0001.json").read_bytes())


def test_cvss_refs_resolve_offline(shared_dir: Path) -> None:
    doc = _bsi(shared_dir)
    validator = Validator(shared_dir / "feeds" / "schemas")
    assert validator.check(doc, "bsi.json") == []
    doc["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseSeverity"] = "HUGE"  # type: ignore[index]
    # The failing "oneOf" (CVSS 3.0 or 3.1) is reported by the branch that nearly fit.
    assert validator.check(doc, "bsi.json") == [Problem(
        "bsi.json", "schema: 'HUGE' is not one of ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']",
        "$.vulnerabilities[0].scores[0].cvss_v3.baseSeverity", fatal=False)]


def test_csaf_folder_itself_finds_its_sibling_cvss_schemas(shared_dir: Path) -> None:
    validator = Validator(shared_dir / "feeds" / "schemas" / "csaf-2.0", strict=True)
    doc = _bsi(shared_dir)
    del doc["document"]["tracking"]  # type: ignore[attr-defined]
    (problem,) = validator.check(doc, "bsi.json")
    assert (problem.reason, problem.path, problem.fatal) == (
        "schema: 'tracking' is a required property", "$.document", True)


def test_missing_schemas_are_a_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="CSAF 2.0 schema .* not found"):
        Validator(tmp_path)
