"""OSV range events, per the OSV schema's evaluation algorithm."""
from __future__ import annotations

import pytest

from server.versions import VersionError, osv_affected

FIXED = [{"introduced": "0"}, {"fixed": "1.0.2"}]
LAST_AFFECTED = [{"introduced": "0"}, {"last_affected": "2.1.214"}]
TWO_INTERVALS = [{"introduced": "1.0.0"}, {"fixed": "1.0.2"}, {"introduced": "3.0.0"}, {"fixed": "3.2.5"}]


@pytest.mark.parametrize(("version", "hit"), [("0.0.1", True), ("1.0.1", True), ("1.0.2", False), ("2.0.0", False)])
def test_introduced_zero_and_fixed(version: str, hit: bool) -> None:
    assert osv_affected("semver", FIXED, version) is hit


@pytest.mark.parametrize(("version", "hit"), [("2.1.213", True), ("2.1.214", True), ("2.1.215", False)])
def test_last_affected_is_inclusive(version: str, hit: bool) -> None:
    assert osv_affected("pep440", LAST_AFFECTED, version) is hit


@pytest.mark.parametrize(
    ("version", "hit"),
    [("0.9.0", False), ("1.0.0", True), ("1.0.2", False), ("2.0.0", False), ("3.0.0", True), ("3.2.4", True), ("3.2.5", False)],
)
def test_two_intervals_in_one_range(version: str, hit: bool) -> None:
    assert osv_affected("npm", TWO_INTERVALS, version) is hit


def test_events_are_sorted_first() -> None:
    shuffled = [TWO_INTERVALS[3], TWO_INTERVALS[0], TWO_INTERVALS[2], TWO_INTERVALS[1]]
    assert osv_affected("semver", shuffled, "3.1.0")
    assert not osv_affected("semver", shuffled, "2.0.0")


@pytest.mark.parametrize(("version", "hit"), [("1.5.0", True), ("2.0.0", False), ("2.5.0", False)])
def test_limit(version: str, hit: bool) -> None:
    events = [{"introduced": "1.0.0"}, {"limit": "2.0.0"}]
    assert osv_affected("semver", events, version) is hit


def test_limit_star_is_infinity_and_limits_add_up() -> None:
    assert osv_affected("semver", [{"introduced": "1.0.0"}, {"limit": "*"}], "99.0.0")
    events = [{"introduced": "1.0.0"}, {"limit": "1.5.0"}, {"limit": "3.0.0"}]
    assert osv_affected("semver", events, "2.0.0")
    assert not osv_affected("semver", events, "3.0.0")


def test_multiple_ranges_any_of() -> None:
    # A package's OSV entry may carry several ranges; it is affected if any says so.
    ranges = [[{"introduced": "0"}, {"fixed": "1.1.1n-0+deb11u5"}], [{"introduced": "3.0.0"}, {"fixed": "3.0.11-1~deb12u2"}]]
    assert any(osv_affected("deb", events, "1.1.1n-0+deb11u4") for events in ranges)
    assert any(osv_affected("deb", events, "3.0.9-1") for events in ranges)
    assert not any(osv_affected("deb", events, "3.0.11-1~deb12u2") for events in ranges)


def test_introduced_and_fixed_at_same_version_is_empty() -> None:
    assert not osv_affected("pep440", [{"fixed": "1.0"}, {"introduced": "1.0"}], "1.0")


def test_introduced_zero_is_below_everything() -> None:
    # "0" would be a valid PEP 440 version above 0.dev0; OSV means "from the start".
    assert osv_affected("pep440", [{"introduced": "0"}, {"fixed": "1.0"}], "0.dev0")
    assert osv_affected("rpm", [{"introduced": "0"}], "0:0~rc1-1")


@pytest.mark.parametrize(
    "events",
    [
        [],
        [{"fixed": "1.0.0"}],
        [{"introduced": "0", "fixed": "1.0.0"}],
        [{"introduced": "0"}, {"withdrawn": "1.0.0"}],
        [{"introduced": 0}],
        ["introduced"],
        "introduced",
        [{"introduced": "0"}, {"fixed": "not-semver"}],
    ],
)
def test_malformed_events(events: object) -> None:
    with pytest.raises(VersionError):
        osv_affected("semver", events, "1.0.0")  # type: ignore[arg-type]


def test_unparsable_version() -> None:
    with pytest.raises(VersionError):
        osv_affected("semver", FIXED, "v.x")


# NOTE: PyPI holds releases PEP 440 rejects and OSV records name them; OSV
# orders them as pip's old LegacyVersion did (below every valid version).
LEGACY_RANGE = [{"introduced": "0.3m2"}, {"fixed": "0.3m5"}]


@pytest.mark.parametrize(
    ("version", "hit"),
    [("0.3m1", False), ("0.3m2", True), ("0.3m4", True), ("0.3m5", False), ("0.3m10", False), ("0.3", False)],
)
def test_pypi_range_of_legacy_versions(version: str, hit: bool) -> None:
    assert osv_affected("pypi", LEGACY_RANGE, version) is hit


@pytest.mark.parametrize(("version", "hit"), [("2.0.0-final", True), ("1.3.1-STAGING", True), ("0.9", True),
                                              ("1.0", False)])
def test_a_legacy_version_is_below_a_valid_fix(version: str, hit: bool) -> None:
    assert osv_affected("pep440", [{"introduced": "0"}, {"fixed": "1.0"}], version) is hit
