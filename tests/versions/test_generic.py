"""Free-form program versions: hand-written cases."""
from __future__ import annotations

import pytest

from server.versions import VersionError, compare, generic

ORDERED = [
    ("124.0.6367.61", "124.0.6367.118"),  # Chrome
    ("9.20", "23.01"),  # 7-Zip
    ("8.5.2 (x64)", "8.5.10"),
    ("1.2.3-beta", "1.2.3"),  # a word after a separator is a pre-release
    ("1.2.3-beta", "1.2.3-rc1"),
    ("1.0.2", "1.0.2k"),  # a glued letter is a later patch (OpenSSL)
    ("1.0.2k", "1.0.3"),
    ("5.0", "08.0"),
    ("2.0", "10.0"),
    ("95SE", "98SP1"),
]


@pytest.mark.parametrize(("lower", "higher"), ORDERED)
def test_ordered(lower: str, higher: str) -> None:
    assert compare("generic", lower, higher) < 0
    assert compare("generic", higher, lower) > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [("8.5.2 (x64)", "8.5.2"), ("8.5.2 [64-bit]", "8.5.2.0"), ("v1.2", "1.2"), ("1.2-Beta", "1.2-beta"), ("5-a1", "5.a1")],
)
def test_equal(a: str, b: str) -> None:
    assert compare("generic", a, b) == 0


def test_clean_drops_noise() -> None:
    assert generic.clean("  8.5.2 (x64) ") == "8.5.2"


@pytest.mark.parametrize("bad", ["", "   ", "(x64)", "---", "é"])
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("generic", bad, "1.0")
