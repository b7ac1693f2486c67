"""PEP 440 versions and specifiers: hand-written cases."""
from __future__ import annotations

import pytest

from server.matching.versions import VersionError, compare, pep440

CHAIN = ["1.0.dev0", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0+local", "1.0.post1", "1.1", "1!0.1"]


@pytest.mark.parametrize(("lower", "higher"), list(zip(CHAIN, CHAIN[1:])))
def test_ordered(lower: str, higher: str) -> None:
    assert compare("pep440", lower, higher) < 0
    assert compare("pypi", higher, lower) > 0


@pytest.mark.parametrize(("a", "b"), [("1.0", "1.0.0"), ("1.0-DEV", "1.0.dev0"), ("1.1RC1", "1.1rc1"), ("v2.0", "2.0")])
def test_equal(a: str, b: str) -> None:
    assert compare("pep440", a, b) == 0


@pytest.mark.parametrize("bad", ["", "french toast", "1.0+İ", "0.9-eevee", "1" * 5000])
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("pep440", bad, "1.0")


@pytest.mark.parametrize(
    ("spec", "version", "inside"),
    [
        ("~=1.2", "1.9", True),
        ("~=1.2", "2.0", False),
        ("==2.*", "2.3", True),
        # Exclusive bounds ignore post- and pre-releases of the bound itself,
        # unlike plain ordering (where 2.0rc1 < 2.0 < 2.0.post1).
        (">2.0", "2.0.post1", False),
        ("<2.0", "2.0rc1", False),
        ("<2.0", "2.0.dev1", False),
        ("<2.0", "1.9rc1", True),
    ],
)
def test_specifier_contains(spec: str, version: str, inside: bool) -> None:
    assert pep440.specifier_contains(spec, version) is inside


def test_bad_specifier() -> None:
    with pytest.raises(VersionError):
        pep440.specifier_contains("=>1.0", "1.0")
