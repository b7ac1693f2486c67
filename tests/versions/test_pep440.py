"""PyPI versions: PEP 440 and the legacy (pre-PEP 440) ones, and specifiers.

The legacy expectations are worked out by hand from the published definition
(packaging < 22, ``LegacyVersion`` / ``_legacy_cmpkey``): lower-case, split into
digit runs, letter runs, ``.`` and ``-`` (and whatever lies between), digits
zero-padded to eight places, ``pre``/``preview``/``rc`` read as ``c``, ``dev``
as ``@``, ``-`` as ``final-``, trailing zero runs and a ``-`` before a
pre-release tag dropped, ``*final`` at the end; every legacy version sorts
before every PEP 440 version.
"""
from __future__ import annotations

import pytest

from server.versions import VersionError, compare, pep440

CHAIN = ["1.0.dev0", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0+local", "1.0.post1", "1.1", "1!0.1"]

# Each is a release on PyPI that PEP 440 rejects.
LEGACY = ["0.3m1", "2.0.0-final", "1.3.1-STAGING", "0.7.11p3", "2013-01-21T20:33:09+0100", "0.9-eevee",
          "trunk", "french toast", "-class.-jw.util.version.Version-", "1.0+İ", "1.0++"]

# Sorted by the legacy key, all before the smallest PEP 440 version.
LEGACY_CHAIN = [
    "-class.-jw.util.version.Version-",
    "trunk",  # a letter run ("*trunk") sorts before every digit run ("00000000")
    "0.1-bulbasaur",
    "0.3m1",
    "0.3m2",
    "0.3m10",  # digit runs compare as numbers (zero-padded)...
    "0.7.11p3",
    "0.7.11p10",
    "1.0dev1-x",  # "dev" is "@": before every letter
    "1.0a1-x",
    "1.0rc1-x",  # "rc" is "c"
    "1.0-x",  # "-" is "final-": after the pre-release tags
    "1.0-x.1",
    "2013-01-21T20:33:09+0100",
    "2013-01-23T17:11:52+0100",
    "0.0.dev0",  # the first PEP 440 version: every legacy one is below it
    "0",
]


@pytest.mark.parametrize(("lower", "higher"), list(zip(CHAIN, CHAIN[1:])))
def test_ordered(lower: str, higher: str) -> None:
    assert compare("pep440", lower, higher) < 0
    assert compare("pypi", higher, lower) > 0


@pytest.mark.parametrize(("a", "b"), [("1.0", "1.0.0"), ("1.0-DEV", "1.0.dev0"), ("1.1RC1", "1.1rc1"), ("v2.0", "2.0")])
def test_equal(a: str, b: str) -> None:
    assert compare("pep440", a, b) == 0


@pytest.mark.parametrize("legacy", LEGACY)
def test_legacy_versions_are_not_pep_440_but_order(legacy: str) -> None:
    with pytest.raises(VersionError):
        pep440.parse(legacy)
    assert not pep440.is_valid(legacy)
    assert compare("pep440", legacy, legacy) == 0
    # Legacy before every valid version, however large it looks.
    for valid in ("0.dev0", "0", "1.0", "9999"):
        assert compare("pypi", legacy, valid) < 0
        assert compare("pep440", valid, legacy) > 0


@pytest.mark.parametrize(("lower", "higher"), list(zip(LEGACY_CHAIN, LEGACY_CHAIN[1:])))
def test_legacy_order(lower: str, higher: str) -> None:
    assert compare("pypi", lower, higher) < 0
    assert compare("pypi", higher, lower) > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.3.1-STAGING", "1.3.1-staging"),  # lower-cased
        ("2.0.0-final", "2.0-final"),  # trailing zero runs dropped
        ("1.0rc1-x", "1.0c1-x"),  # rc, pre and preview are c
        ("1.0pre1-x", "1.0preview1-x"),
        ("1.0-rc1-x", "1.0rc1-x"),  # a "-" before a pre-release tag is dropped
        ("0.3m01", "0.3m1"),  # zero-padded digit runs
    ],
)
def test_legacy_equal(a: str, b: str) -> None:
    assert compare("pypi", a, b) == 0


def test_legacy_digit_runs_are_padded_not_parsed() -> None:
    # NOTE: the definition pads to eight places and compares text, so a run of
    # nine digits sorts by its first digit; OSV's comparator does the same.
    assert compare("pypi", "123456789-x", "99999999-x") < 0
    assert pep440.legacy_key("1.0-x") == ("00000001", "*final-", "*x", "*final")


@pytest.mark.parametrize("bad", ["", "   ", "1" * 5000])
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


def test_specifiers_do_not_take_legacy_versions() -> None:
    # PEP 440 specifiers are defined on PEP 440 versions only (packaging >= 22 agrees).
    with pytest.raises(VersionError):
        pep440.specifier_contains("<2.0", "0.3m1")
