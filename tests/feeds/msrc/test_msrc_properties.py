"""Damaged MSRC input gives problems, never an uncaught exception."""
from __future__ import annotations

import copy
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.feeds.interface import Advisory, AffectedItem, Parsed, Problem
from server.feeds.msrc.cvrf_json import read_cvrf_json
from server.feeds.msrc.cvrf_xml import read_cvrf_xml
from server.feeds.msrc.feed import to_parsed
from server.feeds.msrc.sug import read_sug_pages

from tests.conftest import FIXTURES
from tests.json_paths import json_paths

XML = (FIXTURES / "msrc" / "cvrf-2024-May-subset.xml").read_bytes()
JSON_DOC = json.loads((FIXTURES / "msrc" / "cvrf-2024-May-subset.json").read_text())
TEXT_NODES = [m.span(1) for m in re.finditer(rb">([^<]*)<", XML)]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8)


def check(parsed: Parsed) -> None:
    """Whatever happened, the result is made of our types only."""
    assert all(isinstance(p, Problem) for p in parsed.problems)
    for adv in parsed.advisories:
        assert isinstance(adv, Advisory) and isinstance(adv.advisory_id, str)
        assert all(isinstance(i, AffectedItem) and isinstance(i.vers_range, str)
                   for i in adv.affected)


@st.composite
def mutated_xml(draw: st.DrawFn) -> bytes:
    data = XML
    kind = draw(st.sampled_from(["truncate", "delete", "insert", "text"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "delete":
        start = draw(st.integers(0, len(data)))
        return data[:start] + data[start + draw(st.integers(1, 400)):]
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
    start, end = draw(st.sampled_from(TEXT_NODES))
    text = draw(st.text(alphabet=st.characters(blacklist_characters="<&",
                                                  blacklist_categories=("Cs",)), max_size=30))
    return data[:start] + text.encode() + data[end:]


@SETTINGS
@given(mutated_xml())
def test_mutated_cvrf_xml(data: bytes) -> None:
    check(to_parsed(read_cvrf_xml(data, "mutated.xml")))




JSON_PATHS = json_paths(JSON_DOC)[1:]


@SETTINGS
@given(st.sampled_from(JSON_PATHS), json_values)
def test_mutated_cvrf_json(path: tuple, value: Any) -> None:
    doc = copy.deepcopy(JSON_DOC)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    check(to_parsed(read_cvrf_json(doc, "mutated.json")))


@SETTINGS
@given(st.lists(json_values, max_size=3), st.sampled_from(
    ["vulnerability", "affectedProduct", "deployment", "other"]))
def test_mutated_sug_pages(rows: list[Any], entity: str) -> None:
    page = {"@odata.context": f"https://api.msrc.microsoft.com/sug/v2.0/$metadata#{entity}",
            "value": rows + [{"cveNumber": "CVE-2025-1", "productId": rows[:1],
                              "kbArticles": rows}]}
    check(to_parsed(read_sug_pages([("page.json", page)], "page.json")))


def test_unknown_encoding_is_a_problem() -> None:
    # Found by test_mutated_cvrf_xml: one byte less in the declaration.
    damaged = XML.replace(b'encoding="utf-8"', b'encoding="tf-8"', 1)
    assert damaged != XML
    doc = read_cvrf_xml(damaged, "damaged.xml")
    assert [p.reason.split(":")[0] for p in doc.problems] == ["not well-formed CVRF XML"]
