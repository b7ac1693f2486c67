"""Debian versions: hand-written cases and agreement with the real dpkg."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.versions import VersionError, compare, deb

ORDERED = [
    # (lower, higher)
    ("1.1.1n-0+deb11u5", "1.1.1w"),  # Debian backport of an older upstream
    ("1.1.1n-0+deb11u4", "1.1.1n-0+deb11u5"),
    ("2.36-9+deb12u3", "2.36-9+deb12u4"),
    ("1.0~rc1", "1.0"),  # ~ sorts before the end of the string
    ("1.0~~", "1.0~"),
    ("1.0~", "1.0"),
    ("1.0", "1.0+b1"),  # binNMU
    ("1.0", "1.0a"),  # letters after the end
    ("1.0a", "1.0+"),  # letters before other characters
    ("1.2.3-1~bpo11+1", "1.2.3-1"),  # backports sort before the release
    ("9.9-9", "1:0.1-1"),  # the epoch wins
    ("1:2.0", "2:1.0"),
    ("1.9", "1.10"),  # digits compare as numbers
    ("0.9", "1.0"),
    ("7.88.1-10+deb12u5", "7.88.1-10+deb12u6"),
    ("1.2-3-4", "1.2-3-5"),  # revision after the LAST hyphen
]

EQUAL = [
    ("1.0", "1.0-0"),  # missing revision == 0
    ("1.0", "0:1.0"),
    ("1.09", "1.9"),
    ("0001:1.0-1", "1:1.0-1"),
    (" 1.0-1 ", "1.0-1"),  # dpkg strips surrounding blanks
]

INVALID = ["", "   ", "a:1.0", ":1.0", "1.0-", "1:", "1 0", "99999999999:1.0", "-1", "1.0é", "1.0\x00"]


@pytest.mark.parametrize(("lower", "higher"), ORDERED)
def test_ordered(lower: str, higher: str) -> None:
    assert compare("deb", lower, higher) < 0
    assert compare("deb", higher, lower) > 0


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal(a: str, b: str) -> None:
    assert compare("deb", a, b) == 0


@pytest.mark.parametrize("bad", INVALID)
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("deb", bad, "1.0")


def test_parse_splits_epoch_upstream_revision() -> None:
    assert deb.parse("2:1.2-3-4") == deb.DebVersion(2, "1.2-3", "4")
    assert deb.parse("1.0") == deb.DebVersion(0, "1.0", "")


def test_upstream_without_leading_digit_is_compared_like_dpkg() -> None:
    # dpkg only warns about these, and still orders them.
    assert compare("deb", "a1.0", "b1.0") < 0


# Valid Debian versions from a small alphabet, so equal and near-equal pairs are common.
_UPSTREAM = "0123456789abzAZ.+~"
_REVISION = "0123456789abz.+~"


@st.composite
def deb_versions(draw: st.DrawFn) -> str:
    epoch = draw(st.none() | st.sampled_from(["0", "1", "2", "01"]))
    revision = draw(st.none() | st.text(_REVISION, min_size=1, max_size=5))
    extra = ("-" if revision is not None else "") + (":" if epoch is not None else "")
    upstream = draw(st.sampled_from("0123456789")) + draw(st.text(_UPSTREAM + extra, max_size=7))
    text = upstream
    if epoch is not None:
        text = f"{epoch}:{text}"
    if revision is not None:
        text = f"{text}-{revision}"
    return text


def _dpkg(a: str, b: str) -> int:
    def holds(op: str) -> bool:
        return subprocess.run(["dpkg", "--compare-versions", a, op, b], check=False).returncode == 0

    return -1 if holds("lt") else 0 if holds("eq") else 1


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg binary not installed")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=deb_versions(), b=deb_versions())
def test_agrees_with_dpkg(a: str, b: str) -> None:
    ours = compare("deb", a, b)
    assert (ours > 0) - (ours < 0) == _dpkg(a, b)
