"""``vers:`` ranges: parsing, canonical form and containment."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.versions import VersionError, comparator_for, contains, vers

CONTAINED = [
    ("vers:deb/>=1.0|<1.2.3", "1.1", True),
    ("vers:deb/>=1.0|<1.2.3", "1.2.3", False),
    ("vers:deb/>=1.0|<1.2.3", "1.2.3~rc1", True),
    ("vers:deb/>=1.0|<1.2.3", "0.9", False),
    ("vers:deb/<1.1.1w", "1.1.1n-0+deb11u5", True),
    ("vers:rpm/<1:2.0-1", "2.5-1", True),  # epoch 0 < epoch 1
    ("vers:rpm/>=0|<4.18.0-513.5.1.el8_9", "4.18.0-513.el8", True),
    ("vers:pypi/>=2.0|<2.31.0", "2.31.0rc1", True),
    ("vers:npm/>=4.0.0|<4.17.21", "4.17.21", False),
    ("vers:semver/<=1.2.3", "1.2.3", True),
    ("vers:generic/<8.5.10", "8.5.2 (x64)", True),
    ("vers:windows/>=10.0.19045.0|<10.0.19045.4412", "10.0.19045.4291", True),
    ("vers:windows/>=10.0.19045.0|<10.0.19045.4412", "10.0.22631.3447", False),
    ("vers:macos/<14.4.1", "14.4", True),
    ("vers:generic/*", "anything 1", True),
    ("vers:DEB/>=1.0", "1.0", True),  # the type is case-insensitive
]

# Several intervals, an excluded version and single versions in one range.
MULTI = "vers:npm/1.0.0|>=2.0.0|!=2.1.0|<3.0.0|>=4.0.0|<4.2.0|5.0.0"


@pytest.mark.parametrize(("rng", "version", "inside"), CONTAINED)
def test_contains(rng: str, version: str, inside: bool) -> None:
    assert contains(rng, version) is inside


@pytest.mark.parametrize(
    ("version", "inside"),
    [
        ("0.9.0", False),
        ("1.0.0", True),
        ("1.5.0", False),
        ("2.0.0", True),
        ("2.1.0", False),
        ("2.9.9", True),
        ("3.0.0", False),
        ("4.1.0", True),
        ("4.2.0", False),
        ("5.0.0", True),
        ("6.0.0", False),
    ],
)
def test_multiple_intervals(version: str, inside: bool) -> None:
    assert contains(MULTI, version) is inside


def test_unsorted_constraints_are_sorted_before_checking() -> None:
    assert contains("vers:pypi/<2.0|>=1.0", "1.5")
    assert not contains("vers:pypi/<2.0|>=1.0", "2.5")


def test_percent_decoding_happens_once() -> None:
    assert vers.parse("vers:generic/8.5.2%20%28x64%29").constraints[0].version == "8.5.2 (x64)"
    assert vers.parse("vers:npm/1.0%252F0").constraints[0].version == "1.0%2F0"
    assert contains("vers:generic/8.5.2%20%28x64%29", "8.5.2")
    assert contains("vers:semver/>=1.0.0%2Bbuild", "1.0.0")


def test_only_not_equal_contains_nothing() -> None:
    # The spec's algorithm: '!=' alone defines no interval.
    assert not contains("vers:semver/!=1.0.0", "2.0.0")


@pytest.mark.parametrize(
    "bad",
    [
        "vers:npm/>=1.0.0| <2.0.0",
        "vers:npm/|>=1.0.0",
        "vers:npm/>=1.0.0|",
        "vers:npm/>=1.0.0||<2.0.0",
        "vers:npm/=1.0.0",
        "vers:npm/>=",
        "vers:npm/*|>1.0.0",
        "vers:npm/1.0%2G0",
        "vers:npm/1.0%FF",
        "vers:npm/",
        "vers:npm",
        "npm/>=1.0.0",
        "vers:1npm/1.0.0",
        "vers:npm/>=1.0.0<2",
        "vers:maven/>=1.0",
        "vers:npm/>=not-semver",
    ],
)
def test_invalid_ranges(bad: str) -> None:
    with pytest.raises(VersionError):
        contains(bad, "1.0.0")


def test_invalid_tested_version() -> None:
    with pytest.raises(VersionError):
        contains("vers:semver/*", "not a version")


def test_canonical_parse() -> None:
    rng = vers.parse_canonical("vers:npm/>=1.0.0|<2.0.0", comparator_for)
    assert rng.scheme == "npm"
    assert [(c.comparator, c.version) for c in rng.constraints] == [(">=", "1.0.0"), ("<", "2.0.0")]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("vers:npm/>=2.0.0|<1.0.0", "not sorted"),
        ("vers:npm/>=1.0.0|<1.0.0", "more than one constraint"),
        ("vers:NPM/1.0.0", "lowercase"),
        ("vers:generic/1.0%2b1", "not canonical"),
    ],
)
def test_canonical_parse_refuses(bad: str, message: str) -> None:
    with pytest.raises(VersionError, match=message):
        vers.parse_canonical(bad, comparator_for)


def test_normalize_sorts_and_encodes() -> None:
    assert vers.normalize("vers:generic/<2.0|8.5.2%20(x64)|>=1.0", comparator_for) == (
        "vers:generic/>=1.0|<2.0|8.5.2%20(x64)"
    )
    assert vers.normalize("vers:deb/*", comparator_for) == "vers:deb/*"


def test_encode_writes_what_parse_reads_back() -> None:
    """The one encoder feeds write constraints with (NVD, OSV, CSAF prose)."""
    assert vers.encode("1.0|rc*1 x") == "1.0%7Crc%2A1%20x"
    assert vers.encode("1:2.3~rc1+dfsg-1") == "1:2.3~rc1+dfsg-1"  # deb and rpm text stays readable
    assert vers.encode("1.0α\t") == "1.0%CE%B1%09"  # non-ASCII and control characters
    for version in ("<=1.0", "a/b%c", "bản-vá 2", "1.0\x00"):
        rng = vers.parse(f"vers:generic/>={vers.encode(version)}")
        assert rng.constraints == (vers.Constraint(">=", version),)


@pytest.mark.parametrize("text", [
    "vers:deb/<1.2-3", "vers:rpm/>=1:2.0-1.el9|<1:2.0-5.el9_2", "vers:pypi/1.0|1.1|!=1.2", "vers:npm/*",
    "vers:generic/%3C1.0", "VERS:Deb/<1", "vers:generic/<1.0 ", "vers:semver/>=1.0.0-rc.1+build.5",
])
def test_parse_pairs_reads_as_parse(text: str) -> None:
    """The quick path for plain ranges returns what the general parser does."""
    rng = vers.parse(text)
    expected = None if rng.wildcard else (rng.scheme, [(c.comparator, c.version) for c in rng.constraints])
    assert vers.parse_pairs(text) == expected


@pytest.mark.parametrize("text", ["vers:deb/=1", "vers:deb/<1||>2", "vers:deb/", "deb/<1"])
def test_parse_pairs_refuses_as_parse(text: str) -> None:
    with pytest.raises(VersionError):
        vers.parse_pairs(text)


@given(st.sampled_from(["vers:deb/", "vers:rpm/", "VERS:Deb/", "vers:/", "vers:a+b/", "deb/"]),
       st.text(alphabet="<>=!*|%1.2-~+^:aZ/ \u00e9", max_size=24))
def test_parse_pairs_agrees_with_parse_on_any_text(head: str, body: str) -> None:
    text = head + body
    try:
        rng = vers.parse(text)
    except VersionError:
        with pytest.raises(VersionError):
            vers.parse_pairs(text)
        return
    expected = None if rng.wildcard else (rng.scheme, [(c.comparator, c.version) for c in rng.constraints])
    assert vers.parse_pairs(text) == expected
