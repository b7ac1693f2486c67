"""Property tests: mutated or truncated records never raise out of the parser."""
from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.feeds.interface import Parsed
from server.feeds.osv import parse_bytes, parse_record
from tests.feeds.osv.conftest import OWN

BASES = [json.loads(p.read_bytes()) for p in sorted(OWN.glob("*.json"))]
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["0", "", "*", "CVE-2024-1", "ECOSYSTEM", "GIT", "introduced", "Debian:12",
                       "2024-01-01T00:00:00Z", "not-a-date", "0001-01-01T00:00:00+01:00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _slots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in a decoded JSON document."""
    found: list[tuple[Any, Any]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.append((node, key))
        found.extend(_slots(child))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(doc)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        if draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(json_values)
    return doc


def _check(parsed: Parsed) -> None:
    assert isinstance(parsed, Parsed)
    if parsed.ok:
        [advisory] = parsed.advisories
        assert all(item.vers_range.startswith("vers:") for item in advisory.affected)
    else:
        assert parsed.advisories == [] and sum(p.fatal for p in parsed.problems) == 1


@SETTINGS
@given(mutated_records())
def test_mutated_records_never_raise(record: Any) -> None:
    _check(parse_record(record, "mutated.json"))


@SETTINGS
@given(st.sampled_from(BASES), st.floats(0, 1), st.binary(max_size=3))
def test_truncated_or_garbled_bytes_never_raise(record: Any, fraction: float, junk: bytes) -> None:
    raw = json.dumps(record).encode()
    _check(parse_bytes(raw[: int(len(raw) * fraction)] + junk, "cut.json"))


@settings(SETTINGS, max_examples=40)
@given(json_values)
def test_any_json_value_never_raises(value: Any) -> None:
    _check(parse_record(value, "any.json"))
