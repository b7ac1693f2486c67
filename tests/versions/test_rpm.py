"""RPM versions: hand-written cases."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.versions import VersionError, compare, rpm

from . import rpmvercmp_reference

ORDERED = [
    ("2.0-1", "1:1.0-1"),  # epoch first
    ("1:9.9-9", "2:0.1-1"),
    ("1.0~rc1-1", "1.0-1"),  # ~ pre-release
    ("1.0-1", "1.0^git1-1"),  # ^ post-release snapshot
    ("1.0^git1-1", "1.0.1-1"),
    ("4.18.0-513.el8", "4.18.0-513.5.1.el8_9"),
    ("3.9.18-1.el9_3", "3.9.18-1.el9_3.1"),
    ("1.0-1.el7", "1.0-1.el8"),
    ("openssl-1.0", "openssl-1.1"),
    ("1.0a", "1.0.1"),  # numeric segments beat letters
    ("1.0-9", "1.0-10"),
    ("2.2.20", "2.2.20-2.el8"),  # missing release sorts first (see rpm.py)
]

EQUAL = [
    ("0:1.0-1", "1.0-1"),
    ("1.0-1", "1.0-1"),
    ("1.01-1", "1.1-1"),
    ("1_0-1", "1.0-1"),  # separators only separate
    ("1.0.-1", "1.0-1"),
]


@pytest.mark.parametrize(("lower", "higher"), ORDERED)
def test_ordered(lower: str, higher: str) -> None:
    assert compare("rpm", lower, higher) < 0
    assert compare("rpm", higher, lower) > 0


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal(a: str, b: str) -> None:
    assert compare("rpm", a, b) == 0


def test_parse_like_parse_evr() -> None:
    assert rpm.parse("2:1.0-3.el9") == rpm.RpmVersion("2", "1.0", "3.el9")
    assert rpm.parse("1.0") == rpm.RpmVersion("0", "1.0", None)
    # Only a digit run before ':' is an epoch.
    assert rpm.parse("a:1") == rpm.RpmVersion("0", "a:1", None)


def test_rpmvercmp_raw_segments() -> None:
    assert rpm.rpmvercmp("1.0~rc1", "1.0") < 0
    assert rpm.rpmvercmp("1.0", "1.0^") < 0
    assert rpm.rpmvercmp("10.0001", "10.1") == 0


@pytest.mark.parametrize("bad", ["", "  ", "1.0 1", "1.0\t-1"])
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("rpm", bad, "1.0")


# The segment alphabet: letters, digits, "~", "^", separators and a non-ASCII
# letter (a separator to rpm).
_SEGMENT = st.text(alphabet="0123456789.~^_-abZé", min_size=0, max_size=10)


@settings(max_examples=600, deadline=None)
@given(_SEGMENT, _SEGMENT)
def test_key_order_agrees_with_the_rpmvercmp_loop(a: str, b: str) -> None:
    assert _sign(rpm.rpmvercmp(a, b)) == _sign(rpmvercmp_reference.rpmvercmp(a, b)), (a, b)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)
