"""Properties every scheme must have: a consistent total order, and no
exception but ``VersionError`` whatever text comes in."""
from __future__ import annotations

from functools import cmp_to_key

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.versions import SCHEMES as REGISTERED, VersionError, comparator_for, compare, contains, osv_affected

from .test_deb import deb_versions

_NUM = st.integers(0, 12).map(str)
_WORD = st.sampled_from(["a", "b", "rc", "beta", "alpha", "pre", "Z", "x"])


def _dotted(parts: st.SearchStrategy[str], min_size: int = 1, max_size: int = 5) -> st.SearchStrategy[str]:
    return st.lists(parts, min_size=min_size, max_size=max_size).map(".".join)


@st.composite
def pep440_versions(draw: st.DrawFn) -> str:
    text = draw(_dotted(_NUM))
    if draw(st.booleans()):
        text = f"{draw(_NUM)}!{text}"
    if draw(st.booleans()):
        text += draw(st.sampled_from(["a", "b", "rc"])) + draw(_NUM)
    if draw(st.booleans()):
        text += f".post{draw(_NUM)}"
    if draw(st.booleans()):
        text += f".dev{draw(_NUM)}"
    if draw(st.booleans()):
        text += "+" + draw(_dotted(st.sampled_from(["ubuntu", "1", "abc", "2"]), max_size=3))
    return text


@st.composite
def semver_versions(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(["", "v"])) + draw(_dotted(_NUM, min_size=3, max_size=4))
    if draw(st.booleans()):
        ident = st.one_of(_NUM.filter(lambda n: n == "0" or not n.startswith("0")), _WORD, st.just("x-1"))
        text += "-" + draw(_dotted(ident, max_size=3))
    if draw(st.booleans()):
        text += "+build." + draw(_NUM)
    return text


_RPM_TEXT = st.text("0123456789abAZ.~^_+", min_size=1, max_size=8)


@st.composite
def rpm_versions(draw: st.DrawFn) -> str:
    text = draw(_RPM_TEXT)
    if draw(st.booleans()):
        text = f"{draw(st.sampled_from(['0', '1', '2', '01']))}:{text}"
    if draw(st.booleans()):
        text += "-" + draw(_RPM_TEXT)
    return text


def _parses(scheme: str, text: str) -> bool:
    try:
        compare(scheme, text, text)
    except VersionError:
        return False
    return True


_GENERIC_TEXT = st.text("0123456789.-_ abkXY()", min_size=1, max_size=12)

VALID = {
    "deb": deb_versions(),
    "rpm": rpm_versions(),
    # PyPI order is total over PEP 440 and legacy (pre-PEP 440) versions alike.
    "pep440": st.one_of(pep440_versions(), st.text(alphabet="0123456789.-+abcmprefinalTRUNK :", min_size=1,
                                                   max_size=12).filter(lambda s: s.strip() != "")),
    "semver": semver_versions(),
    "windows": _dotted(st.integers(0, 20000).map(str)),
    "generic": st.one_of(_dotted(st.one_of(_NUM, _WORD, st.just("2a"))), _GENERIC_TEXT).filter(
        lambda s: _parses("generic", s)
    ),
    "macos": st.tuples(
        _dotted(_NUM, max_size=4), st.sampled_from(["", " (a)", " (c)", " (23E224)", " (23E214)"])
    ).map("".join),
}
SCHEMES = sorted(VALID)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def test_every_registered_scheme_has_properties() -> None:
    assert {comparator_for(name) for name in REGISTERED} == {comparator_for(name) for name in SCHEMES}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_antisymmetric_and_reflexive(scheme: str) -> None:
    @given(VALID[scheme], VALID[scheme])
    def check(a: str, b: str) -> None:
        assert compare(scheme, a, a) == 0
        assert _sign(compare(scheme, a, b)) == -_sign(compare(scheme, b, a))

    check()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_transitive(scheme: str) -> None:
    @given(st.lists(VALID[scheme], min_size=3, max_size=3))
    def check(versions: list[str]) -> None:
        ordered = sorted(versions, key=cmp_to_key(comparator_for(scheme)))
        # After sorting, every pair must agree with the order, not only neighbours.
        for i in range(len(ordered)):
            for j in range(i + 1, len(ordered)):
                assert compare(scheme, ordered[i], ordered[j]) <= 0, ordered

    check()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_arbitrary_text_only_raises_version_error(scheme: str) -> None:
    @given(st.text(max_size=30), st.text(max_size=30))
    def check(a: str, b: str) -> None:
        try:
            assert isinstance(compare(scheme, a, b), int)
        except VersionError:
            pass

    check()


@given(st.text(max_size=40), st.text(max_size=20))
def test_contains_on_arbitrary_text(rng: str, version: str) -> None:
    for text in (rng, "vers:" + rng, "vers:deb/" + rng, "vers:generic/" + rng):
        try:
            contains(text, version)
        except VersionError:
            pass


_EVENT_KEYS = st.sampled_from(["introduced", "fixed", "last_affected", "limit"]) | st.text(max_size=8)


@given(st.lists(st.dictionaries(_EVENT_KEYS, st.text("0123456789.*v-a", max_size=6), max_size=2), max_size=4), st.text(max_size=10))
def test_osv_on_arbitrary_events(events: list[dict[str, str]], version: str) -> None:
    for scheme in ("generic", "semver"):
        try:
            osv_affected(scheme, events, version)
        except VersionError:
            pass


@pytest.mark.parametrize("value", [None, 1, b"1.0", ["1.0"]])
def test_non_str_input_is_a_version_error(value: object) -> None:
    with pytest.raises(VersionError):
        compare("deb", value, "1.0")  # type: ignore[arg-type]
    with pytest.raises(VersionError):
        compare(value, "1.0", "1.0")  # type: ignore[arg-type]
