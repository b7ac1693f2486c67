"""Semantic versions: hand-written cases."""
from __future__ import annotations

import pytest

from server.versions import VersionError, compare

CHAIN = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.2.0",
    "1.10.0",
    "2.0.0",
]


@pytest.mark.parametrize(("lower", "higher"), list(zip(CHAIN, CHAIN[1:])))
def test_precedence(lower: str, higher: str) -> None:
    assert compare("semver", lower, higher) < 0
    assert compare("npm", higher, lower) > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.2.3+build.1", "1.2.3+build.2"), ("v1.2.3", "1.2.3"), ("= 1.2.3", "1.2.3"), ("1.2", "1.2.0"), ("1.2.3.0", "1.2.3")],
)
def test_equal(a: str, b: str) -> None:
    assert compare("semver", a, b) == 0


def test_extra_components_compare_after_patch() -> None:
    assert compare("semver", "1.2.3.4", "1.2.3.5") < 0
    assert compare("semver", "1.2.3.4", "1.2.4") < 0


@pytest.mark.parametrize("bad", ["", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b", "x.y.z", "1.2.3 4"])
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("semver", bad, "1.0.0")
