"""The public entry point: scheme registry and names."""
from __future__ import annotations

import pytest

from server.versions import SCHEMES, VersionError, comparator_for, compare


def test_vers_and_purl_types_map_to_schemes() -> None:
    assert comparator_for("pypi") is comparator_for("pep440")
    assert comparator_for("npm") is comparator_for("semver")
    assert set(SCHEMES) >= {"deb", "rpm", "pep440", "semver", "windows", "generic", "macos"}


def test_scheme_names_are_case_insensitive() -> None:
    assert compare(" DEB ", "1.0", "1.1") < 0


def test_version_error_is_a_value_error() -> None:
    assert issubclass(VersionError, ValueError)


@pytest.mark.parametrize("scheme", ["maven", "", "apk", "debian"])
def test_unknown_scheme_names_the_known_ones(scheme: str) -> None:
    with pytest.raises(VersionError, match=r"unknown version scheme .* \(known: deb"):
        compare(scheme, "1.0", "1.0")
