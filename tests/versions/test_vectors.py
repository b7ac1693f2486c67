"""Third-party test vectors from ``../shared/testdata/versions`` (see its SOURCES.md).

One test per file; each reports every failing row. Every file in the folder
must be listed here, either as checked or as excluded with its reason, so a
new vector file cannot be silently ignored.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from packaging.version import InvalidVersion, Version

from server.versions import (
    SCHEMES,
    VersionError,
    comparator_for,
    compare,
    contains,
    deb,
    pep440,
    rpm,
    vers,
)

SIGN = {"<": -1, "=": 0, ">": 1}

# file -> scheme; rows are `left,right,expected` over full versions.
COMPARISONS = {
    "deb_dpkg_c.csv": "deb",
    "deb_dpkg_perl.csv": "deb",
    "deb_univers.csv": "deb",
    "deb_python_deb_pkg_tools.csv": "deb",
    "deb_osv_scalibr.csv": "deb",
    "deb_osv_scalibr_generated.csv": "deb",
    "deb_wazuh.csv": "deb",
    "rpm_evr_antlir.csv": "rpm",
    "rpm_evr_rpmpython.csv": "rpm",
    "rpm_evr_wazuh.csv": "rpm",
    "rpm_osv_scalibr.csv": "rpm",
    "pep440_order.csv": "pep440",
    "pep440_equal.csv": "pep440",
    "pep440_osv_scalibr.csv": "pep440",
    "pep440_osv_scalibr_generated.csv": "pep440",
    "pep440_wazuh.csv": "pep440",
    "semver_spec.csv": "semver",
    "semver_node_strict.csv": "semver",
    "semver_node_loose.csv": "semver",
    "semver_osv_scalibr.csv": "semver",
    "semver_wazuh.csv": "semver",
    "windows_wazuh.csv": "windows",
    "macos_wazuh.csv": "macos",
    "generic_fleet_smartvercmp.csv": "generic",
}

# file -> the raw string algorithm those rows exercise (fragments, not full versions).
FRAGMENTS: dict[str, Callable[[str, str], int]] = {
    "deb_dpkg_fragment.csv": deb.verrevcmp,
    "rpm_rpmvercmp.csv": rpm.rpmvercmp,
    # rpm documents these as current, "arguably buggy" behaviour; we match
    # rpm, so they pin that behaviour rather than gate a design choice.
    "rpm_rpmvercmp_oddities.csv": rpm.rpmvercmp,
}

OTHER_CHECKED = {
    "pep440_validity.csv",
    "pep440_specifier.csv",
    "vers_containment.csv",
    "vers_parse.csv",
    "vers_validate.csv",
    "vers_from_native.csv",
}

EXCLUDED = {
    "vers_cmp_alpm.csv": "alpm (Arch) scheme not implemented",
    "vers_cmp_apk.csv": "apk (Alpine) scheme not implemented",
    "vers_cmp_conan.csv": "conan scheme not implemented",
    "vers_cmp_datetime.csv": "datetime scheme not implemented",
    "vers_cmp_gentoo.csv": "gentoo scheme not implemented",
    "vers_cmp_lexicographic.csv": "lexicographic scheme not implemented",
    "vers_cmp_maven.csv": "maven scheme not implemented",
    "vers_cmp_nuget.csv": "nuget scheme not implemented",
    "vers_cmp_openssl.csv": "openssl scheme not implemented",
}

# vers types whose rows are checked; the others must be refused, not guessed.
SUPPORTED_VERS_TYPES = set(SCHEMES)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        # Line numbers as in the file (header is line 1).
        yield from enumerate(csv.DictReader(handle), start=2)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _is_pep440(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def _report(name: str, failures: list[str]) -> None:
    assert not failures, f"{name}: {len(failures)} failing rows\n" + "\n".join(failures)


def test_every_vector_file_is_accounted_for(shared_dir: Path) -> None:
    present = {p.name for p in (shared_dir / "versions").glob("*.csv")}
    known = set(COMPARISONS) | set(FRAGMENTS) | OTHER_CHECKED | set(EXCLUDED)
    assert present - known == set(), "vector files nobody checks or excludes"
    assert (known - set(EXCLUDED)) - present == set(), "checked vector files missing"


@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_comparison_vectors(shared_dir: Path, name: str) -> None:
    scheme = COMPARISONS[name]
    failures = []
    for line, row in _rows(shared_dir / "versions" / name):
        left, right, want = row["left"], row["right"], SIGN[row["expected"]]
        # Pre-PEP 440 "legacy" rows (OSV's PyPI files have them) are checked
        # too: PyPI order puts them before every valid version.
        try:
            got = (_sign(compare(scheme, left, right)), _sign(compare(scheme, right, left)))
        except VersionError as exc:
            failures.append(f"line {line}: {left!r} {row['expected']} {right!r}: VersionError {exc}")
            continue
        if got != (want, -want):
            failures.append(f"line {line}: {left!r} {row['expected']} {right!r}: got {got[0]:+d}, reversed {got[1]:+d}")
    _report(name, failures)


def test_pypi_legacy_rows_are_there_and_legacy(shared_dir: Path) -> None:
    """OSV's PyPI chains mix legacy releases in; they must not all be valid by
    accident of a packaging upgrade, or the rows above would prove nothing."""
    legacy = set()
    for name in ("pep440_osv_scalibr.csv", "pep440_osv_scalibr_generated.csv"):
        for _, row in _rows(shared_dir / "versions" / name):
            legacy.update(v for v in (row["left"], row["right"]) if not _is_pep440(v))
    assert {"0.3m2", "0.7.11p3", "2013-01-21T20:33:09+0100", "trunk", "4.11-final"} <= legacy
    assert not any(pep440.is_valid(v) for v in legacy)


@pytest.mark.parametrize("name", sorted(FRAGMENTS))
def test_fragment_vectors(shared_dir: Path, name: str) -> None:
    algorithm = FRAGMENTS[name]
    failures = []
    for line, row in _rows(shared_dir / "versions" / name):
        want = SIGN[row["expected"]]
        got = _sign(algorithm(row["left"], row["right"]))
        if got != want:
            failures.append(f"line {line}: {row['left']!r} {row['expected']} {row['right']!r}: got {got:+d}")
    _report(name, failures)


def test_pep440_validity(shared_dir: Path) -> None:
    failures = []
    for line, row in _rows(shared_dir / "versions" / "pep440_validity.csv"):
        # Invalid PEP 440 text is still ordered (as a legacy version), so
        # validity is asked of the strict parser.
        got = "valid" if pep440.is_valid(row["version"]) else "invalid"
        if got != row["validity"]:
            failures.append(f"line {line}: {row['version']!r} expected {row['validity']}, got {got}")
    _report("pep440_validity.csv", failures)


def test_pep440_specifiers(shared_dir: Path) -> None:
    failures = []
    for line, row in _rows(shared_dir / "versions" / "pep440_specifier.csv"):
        want = row["contained"] == "true"
        got = pep440.specifier_contains(row["range"], row["version"])
        if got != want:
            failures.append(f"line {line}: {row['version']!r} in {row['range']!r}: got {got}")
    _report("pep440_specifier.csv", failures)


def test_vers_containment(shared_dir: Path) -> None:
    failures, checked = [], 0
    for line, row in _rows(shared_dir / "versions" / "vers_containment.csv"):
        scheme = vers.parse(row["range"]).scheme
        if scheme not in SUPPORTED_VERS_TYPES:
            # apk, intdot, datetime, lexicographic and univers' all/none:
            # an unsupported type must be an error, never a guess.
            with pytest.raises(VersionError, match="unknown version scheme"):
                contains(row["range"], row["version"])
            continue
        checked += 1
        want = row["contained"] == "true"
        try:
            got: object = contains(row["range"], row["version"])
        except VersionError as exc:
            got = f"VersionError {exc}"
        if got != want:
            failures.append(f"line {line}: {row['version']!r} in {row['range']!r}: expected {want}, got {got}")
    assert checked >= 7
    _report("vers_containment.csv", failures)


def test_vers_canonical_parse(shared_dir: Path) -> None:
    failures, checked = [], 0
    for line, row in _rows(shared_dir / "versions" / "vers_parse.csv"):
        if row["vers"].startswith("vers:datetime/"):
            continue  # a type we do not implement, with its own rules (T/Z case, colons)
        checked += 1
        try:
            rng = vers.parse_canonical(row["vers"], comparator_for)
        except VersionError as exc:
            if row["validity"] != "invalid" or row["detail"] not in str(exc):
                failures.append(f"line {line}: {row['vers']!r}: {row['validity']} / {row['detail']!r}, got error {exc}")
            continue
        parsed = {"scheme": rng.scheme, "version_constraints": [[c.comparator, c.version] for c in rng.constraints]}
        if row["validity"] != "valid" or parsed != json.loads(row["detail"]):
            failures.append(f"line {line}: {row['vers']!r}: expected {row['validity']} {row['detail']}, got {parsed}")
    assert checked >= 5
    _report("vers_parse.csv", failures)


def test_vers_normalize(shared_dir: Path) -> None:
    failures = []
    for line, row in _rows(shared_dir / "versions" / "vers_validate.csv"):
        got = vers.normalize(row["vers"], comparator_for)
        if got != row["canonical"]:
            failures.append(f"line {line}: {row['vers']!r} -> {got!r}, expected {row['canonical']!r}")
    _report("vers_validate.csv", failures)


def test_vers_from_native_outputs_parse(shared_dir: Path) -> None:
    """Converting native ranges is a feed's job; we check that the vers
    strings produced for our types parse and evaluate without error."""
    failures, checked = [], 0
    for line, row in _rows(shared_dir / "versions" / "vers_from_native.csv"):
        if row["scheme"] not in SUPPORTED_VERS_TYPES:
            continue  # conan, gem, nginx, nuget, openssl
        checked += 1
        rng = vers.parse(row["vers"])
        probe = rng.constraints[0].version if rng.constraints else "1.0.0"
        try:
            contains(row["vers"], probe)
        except VersionError as exc:
            failures.append(f"line {line}: {row['vers']!r}: {exc}")
    assert checked >= 300
    _report("vers_from_native.csv", failures)
