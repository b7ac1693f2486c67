"""The matcher's shortcuts agree with the reference decisions: compiled
ranges over cached version keys answer like ``decide.package_verdict``
(which the findings of ``tests/bench`` check at fleet level too)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server.matching.decide import Item, package_verdict
from server.matching.ranges import compile_item
from server.versions import compare, key_function
from server.versions.cache import KeyCache
from server.versions.interface import sign


def test_known_orderings() -> None:
    for scheme, low, high in [("deb", "1.0~rc1", "1.0"), ("deb", "1.0", "1.0.0~"), ("deb", "0~1", "0"),
                              ("deb", "2.0", "1:0.9"), ("rpm", "1.0~rc1", "1.0"), ("rpm", "1.0", "1.0^git1"),
                              ("rpm", "1.0^git1", "1.0.1"), ("rpm", "2.0", "1:1.0"), ("rpm", "1.0a", "1.0.1")]:
        assert compare(scheme, low, high) < 0
        assert sign(key_function(scheme)(low), key_function(scheme)(high)) < 0
    assert key_function("deb")("1.0-0") == key_function("deb")("1.0")


def _ranges(version: str, other: str) -> list[tuple[str, str, str]]:
    """(ecosystem, vers range, fixed version) shapes feeds produce."""
    return [("deb", f"vers:deb/<{version}", version), ("deb", "", version),
            ("deb", f"vers:deb/>={other}|<{version}", version), ("deb", f"vers:deb/{version}|!={other}", ""),
            ("deb", f"vers:deb/<={version}|>{other}", ""), ("deb", "vers:deb/*", ""),
            ("generic", f"vers:generic/>={other}|<={version}", version), ("generic", "", version),
            ("rpm", f"vers:rpm/<{version}", version), ("deb", "", "")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1.0", "1.0-1", "1.0~rc1", "1:0.5", "2.0+deb12u1", "2.0", "0.9.1", "10", "1.a",
                                 "3.0.7-27.el9", "3.0.7-28.el9_4"]), min_size=3, max_size=3))
def test_compiled_ranges_answer_like_package_verdict(versions: list[str]) -> None:
    installed, bound, other = versions
    keys = KeyCache()
    for ecosystem, vers_range, fixed in _ranges(bound, other):
        item = Item(ecosystem, "p", vers_range, fixed)
        compiled = compile_item(ecosystem, vers_range, fixed, keys)
        expected = package_verdict(item, installed, "p").affected
        if compiled is None:
            assert not expected
            continue
        key = keys.key(compiled.scheme, installed)
        got = key is not None and compiled.contains(key)
        assert got == expected, (installed, vers_range, fixed)
        ordered = sorted({v for v in versions if keys.key(compiled.scheme, v) is not None},
                         key=lambda v: keys.key(compiled.scheme, v))  # type: ignore[arg-type, return-value]
        picked = {ordered[i] for i in compiled.select([keys.key(compiled.scheme, v) for v in ordered])}
        assert picked == {v for v in ordered if package_verdict(item, v, "p").affected}
