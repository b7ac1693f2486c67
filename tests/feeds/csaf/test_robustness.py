"""Mutated and truncated documents never raise: they come back as Problems."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.feeds.csaf import parse_bytes, parse_document
from server.feeds.interface import Parsed, Problem
from tests.json_paths import json_paths

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "csaf"
BASES = [json.loads(p.read_bytes()) for p in sorted(FIXTURES.glob("*.json"))]
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=True),
    st.text(max_size=12), st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)




def _mutate(doc: Any, path: tuple[Any, ...], how: str, junk: Any) -> Any:
    if not path:
        return junk
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if how == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = junk
    return doc


def _check(parsed: Parsed) -> None:
    assert isinstance(parsed, Parsed)
    assert all(isinstance(p, Problem) and isinstance(p.reason, str) for p in parsed.problems)
    if not parsed.ok:
        assert parsed.advisories == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_documents_give_problems_not_exceptions(data: st.DataObject) -> None:
    doc = copy.deepcopy(data.draw(st.sampled_from(BASES)))
    for _ in range(data.draw(st.integers(1, 4))):
        paths = json_paths(doc)
        path = data.draw(st.sampled_from(paths))
        doc = _mutate(doc, path, data.draw(st.sampled_from(["drop", "replace"])) if path else "replace",
                      data.draw(JUNK))
    # The parser itself, without parse_bytes' last-resort guard, must not raise.
    _check(parse_document(doc, "mutated.json"))
    _check(parse_bytes(json.dumps(doc).encode(), "mutated.json") or Parsed("mutated.json"))


@settings(max_examples=50, deadline=None)
@given(base=st.sampled_from(BASES), cut=st.floats(0, 0.999))
def test_truncated_documents_are_one_fatal_problem(base: Any, cut: float) -> None:
    raw = json.dumps(base, indent=1).encode()
    parsed = parse_bytes(raw[: int(len(raw) * cut)], "cut.json")
    assert parsed is not None and parsed.advisories == []
    (problem,) = parsed.problems
    assert problem.fatal and problem.file == "cut.json"
    assert problem.reason.startswith(("not valid JSON (truncated or corrupt)", "empty file"))


@pytest.mark.parametrize(("data", "reason", "path"), [
    (b"", "empty file", ""),
    (b"\xff\xfe{", "not UTF-8 text: invalid start byte", "byte 0"),
    (b"[1, 2]", "not a CSAF document (JSON list)", "$"),
    (b'{"id": "GHSA-xxxx"}', "not a CSAF document (JSON object without 'document')", "$"),
    (b'{"document": {"title": "x"}}', "no tracking id: the advisory cannot be stored", "$.document.tracking.id"),
    (b'{"document": []}', "not a CSAF document: no 'document' object", "$.document"),
    (b'{"document": {"tracking": {"id": "X"}}', "not valid JSON (truncated or corrupt): "
                                                "Expecting ',' delimiter", "line 1 column 39"),
])
def test_unusable_input_is_one_precise_fatal_problem(data: bytes, reason: str, path: str) -> None:
    parsed = parse_bytes(data, "bad.json")
    assert parsed is not None
    assert parsed.problems == [Problem("bad.json", reason, path)]
    assert parsed.advisories == []


def test_minimal_document_is_an_advisory_without_items() -> None:
    parsed = parse_bytes(b'{"document": {"tracking": {"id": "MIN-1", "version": 3}}}', "min.json")
    assert parsed is not None and parsed.problems == []
    (advisory,) = parsed.advisories
    assert (advisory.advisory_id, advisory.revision, advisory.affected) == ("MIN-1", "3", ())


def test_a_product_tree_of_the_wrong_shape_is_refused_not_emptied(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    from server.feeds.csaf import CsafFeed

    good = json.loads((Path(__file__).parents[2] / "fixtures" / "csaf" / "pg-tiny-2024-0001.json").read_text())
    for key, bad in (("branches", {"oops": 1}), ("relationships", "x"), ("full_product_names", 3)):
        broken = dict(good, product_tree=dict(good["product_tree"], **{key: bad}))
        path = tmp_path / f"{key}.json"
        path.write_text(json.dumps(broken))
        (parsed,) = CsafFeed().parse(path)
        assert not parsed.ok
        assert [p.path for p in parsed.problems if p.fatal] == [f"$.product_tree.{key}"]
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(dict(good, product_tree=[1, 2])))
    (parsed,) = CsafFeed().parse(path)
    assert [p.path for p in parsed.problems if p.fatal] == ["$.product_tree"]
