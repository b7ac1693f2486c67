"""macOS bundle and system versions: hand-written cases."""
from __future__ import annotations

import pytest

from server.versions import VersionError, compare

ORDERED = [
    ("14.4", "14.4.1"),
    ("13.4.1", "13.4.1 (a)"),  # a Rapid Security Response fixes plain 13.4.1
    ("13.4.1 (a)", "13.4.1 (c)"),
    ("13.4.1 (c)", "13.5"),
    ("2.0.0.1", "126.0.1"),
    ("17.4.1 (19618.1.15.11.14)", "17.4.1 (19618.2.12.11.6)"),
    ("109.0.5414.87", "109.0.5414.119"),
]


@pytest.mark.parametrize(("lower", "higher"), ORDERED)
def test_ordered(lower: str, higher: str) -> None:
    assert compare("macos", lower, higher) < 0
    assert compare("macos", higher, lower) > 0


@pytest.mark.parametrize(("a", "b"), [("14.0", "14"), ("14.4.1 (23E224)", "14.4.1.0 (23E224)")])
def test_equal(a: str, b: str) -> None:
    assert compare("macos", a, b) == 0


@pytest.mark.parametrize("bad", ["", "(a)", "14.4.1 ()", "14.4 (a) (b)"])
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("macos", bad, "14.0")
