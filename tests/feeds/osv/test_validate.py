"""Optional OSV schema validation, loaded offline from the shared schema folder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.feeds.interface import FeedError
from server.feeds.osv import OsvFeed, OsvSchema
from tests.feeds.osv.conftest import OWN, parse_one


def _bad_id_record(tmp_path: Path) -> Path:
    record = json.loads((OWN / "MAL-2099-1.json").read_text())
    record["id"] = "NOPE-1"  # not a known database prefix
    path = tmp_path / "NOPE-1.json"
    path.write_text(json.dumps(record))
    return path


def test_own_fixtures_are_schema_valid(osv_schema_dir: Path) -> None:
    schema = OsvSchema(osv_schema_dir)
    for path in sorted(OWN.glob("*.json")):
        assert schema.check(json.loads(path.read_bytes()), str(path)) == [], path


def test_violation_is_a_warning_by_default(tmp_path: Path, osv_schema_dir: Path) -> None:
    parsed = parse_one(_bad_id_record(tmp_path), OsvFeed(schema_dir=osv_schema_dir))
    assert parsed.ok and [a.advisory_id for a in parsed.advisories] == ["NOPE-1"]
    [problem] = parsed.problems
    assert (problem.path, problem.fatal) == ("$.id", False)
    assert problem.reason.startswith("schema: 'NOPE-1' does not match")


def test_violation_skips_the_record_when_strict(tmp_path: Path, osv_schema_dir: Path) -> None:
    parsed = parse_one(_bad_id_record(tmp_path), OsvFeed(schema_dir=osv_schema_dir, strict=True))
    assert not parsed.ok and parsed.advisories == []
    assert [(p.path, p.fatal) for p in parsed.problems] == [("$.id", True)]


def test_many_violations_are_capped(osv_schema_dir: Path) -> None:
    record = {"id": 1, "modified": 2, "aliases": [1] * 20, "summary": 3}
    problems = OsvSchema(osv_schema_dir).check(record, "x.json")
    assert len(problems) == 11 and problems[-1].reason.endswith("more violations")


def test_missing_schema_is_a_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError):
        OsvFeed(schema_dir=tmp_path)
