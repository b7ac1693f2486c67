"""The NVD feed on hand-written CVE API 2.0 and 1.1 fixtures, and damaged input."""
from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.feeds.interface import Advisory, AffectedItem, FeedError, Parsed, Problem
from server.feeds.nvd import NvdFeed, parse_data
from server.feeds.nvd.configs import criteria_cpe

from tests.conftest import FIXTURES
from tests.json_paths import json_paths

API2 = FIXTURES / "nvd" / "cve-api-2.0-page.json"
LEGACY = FIXTURES / "nvd" / "nvdcve-1.1-sample.json"
UTC = dt.timezone.utc


def generic(vendor: str, product: str, vers: str, fixed: str = "", review: str = "",
            cpe: str = "") -> AffectedItem:
    return AffectedItem("generic", product, vers, fixed, vendor=vendor,
                        cpe=cpe or f"cpe:2.3:a:{vendor}:{product}:*:*:*:*:*:*:*:*",
                        needs_review=review)


@pytest.fixture(scope="module")
def api2() -> dict[str, Advisory]:
    (parsed,) = NvdFeed().parse(API2)
    assert parsed.ok
    assert parsed.problems == [Problem(str(API2), "entry without a valid CVE id: skipped",
                                       path="vulnerabilities[4].cve", fatal=False)]
    return {a.advisory_id: a for a in parsed.advisories}


def test_7zip_kev(api2: dict[str, Advisory]) -> None:
    adv = api2["CVE-2025-0411"]
    assert adv == Advisory(
        source="nvd", advisory_id="CVE-2025-0411",
        title="7-Zip Mark of the Web Bypass Vulnerability", severity="high", cvss=7.0,
        cves=("CVE-2025-0411",),
        published=dt.datetime(2025, 1, 25, 5, 15, 9, 553000, tzinfo=UTC),
        updated=dt.datetime(2025, 2, 7, 14, 3, 31, 347000, tzinfo=UTC),
        revision="2025-02-07T14:03:31.347", url="https://nvd.nist.gov/vuln/detail/CVE-2025-0411",
        exploited=True, deadline=dt.date(2025, 2, 27),
        affected=(generic("7-zip", "7-zip", "vers:generic/<24.09", "24.09"),))


def test_chrome_primary_score_and_platforms(api2: dict[str, Advisory]) -> None:
    adv = api2["CVE-2024-4671"]
    assert (adv.cvss, adv.severity, adv.exploited) == (8.8, "high", True)  # NVD Primary first
    # Windows is among the platforms: no review; the Fedora OS match is not an app.
    assert adv.affected == (
        generic("google", "chrome", "vers:generic/<124.0.6367.201", "124.0.6367.201"),)


def test_foxit_ranges(api2: dict[str, Advisory]) -> None:
    adv = api2["CVE-2023-27363"]
    assert (adv.exploited, adv.deadline, adv.severity) == (False, None, "high")
    assert adv.title.startswith("Foxit PDF Reader exportXFAData") and adv.title.endswith("…")
    assert len(adv.title) == 120
    assert adv.affected == (
        generic("foxit", "pdf_editor", "vers:generic/<=10.1.11.37866"),
        generic("foxit", "pdf_editor", "vers:generic/>=11.0|<=11.2.5.53785"),
        generic("foxit", "pdf_editor", "vers:generic/>=12.0|<=12.1.1.15289"),
        generic("foxit", "pdf_reader", "vers:generic/<=12.1.1.15289"),
    )


def test_platform_that_would_over_match(api2: dict[str, Advisory]) -> None:
    assert api2["CVE-2022-28756"].affected == (
        generic("zoom", "meetings", "vers:generic/>=5.7.3|<5.11.6", "5.11.6",
                review="affected only when running on: apple macos"),)


def test_legacy_feed() -> None:
    (parsed,) = NvdFeed().parse(LEGACY)
    assert parsed.ok and parsed.problems == []
    seven, foxit = parsed.advisories
    assert (seven.advisory_id, seven.cvss, seven.severity, seven.revision) == (
        "CVE-2018-10115", 7.8, "high", "2018-06-01T11:29Z")
    assert seven.published == dt.datetime(2018, 5, 2, 16, 29, tzinfo=UTC)
    assert seven.affected == (generic("7-zip", "7-zip", "vers:generic/<=18.03"),)
    assert foxit.affected == (generic(
        "foxitsoftware", "foxit_reader", "vers:generic/8.3.1.21155",
        cpe="cpe:2.3:a:foxitsoftware:foxit_reader:8.3.1.21155:*:*:*:*:*:*:*"),)


def _cve(**fields: Any) -> dict[str, Any]:
    return {"vulnerabilities": [{"cve": {"id": "CVE-2024-0001", **fields}}]}


def _match(criteria: str, **bounds: str) -> dict[str, Any]:
    return {"configurations": [{"nodes": [{"operator": "OR", "cpeMatch": [
        {"vulnerable": True, "criteria": criteria, **bounds}]}]}]}


@pytest.mark.parametrize(("match", "expected"), [
    (_match("cpe:2.3:a:vendor:app:*:*:*:*:*:*:*:*"), ("vers:generic/*", "", "")),
    (_match("cpe:2.3:a:vendor:app:-:*:*:*:*:*:*:*"), ("", "", "NVD names no version ('-')")),
    (_match("cpe:2.3:a:vendor:app:2.0:sp1:*:*:*:*:*:*"), ("vers:generic/2.0", "", "only update sp1")),
    (_match("cpe:2.3:a:vendor:app:*:*:*:*:*:*:*:*", versionStartExcluding="1.0",
            versionEndExcluding="1.5"), ("vers:generic/>1.0|<1.5", "1.5", "")),
    (_match("cpe:2.3:a:vendor:app:*:*:*:*:*:*:*:*", versionEndExcluding="1.0|2"),
     ("vers:generic/<1.0%7C2", "1.0|2", "")),
])
def test_single_matches(match: dict[str, Any], expected: tuple[str, str, str]) -> None:
    (adv,) = parse_data(_cve(**match), "inline").advisories
    (item,) = adv.affected
    assert (item.vers_range, item.fixed_version, item.needs_review) == expected


def test_os_only_rejected_and_negated() -> None:
    os_only = _match("cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*")
    (adv,) = parse_data(_cve(vulnStatus="Rejected", **os_only), "inline").advisories
    assert (adv.withdrawn, adv.affected, adv.cvss, adv.severity) == (True, (), None, "")
    negated = _match("cpe:2.3:a:vendor:app:*:*:*:*:*:*:*:*")
    negated["configurations"][0]["nodes"][0]["negate"] = True
    assert parse_data(_cve(**negated), "inline").advisories[0].affected == ()


def test_v2_only_severity() -> None:
    metrics = {"cvssMetricV2": [{"type": "Primary", "baseSeverity": "MEDIUM",
                                 "cvssData": {"version": "2.0", "baseScore": 4.3}}]}
    (adv,) = parse_data(_cve(metrics=metrics), "inline").advisories
    assert (adv.cvss, adv.severity) == (4.3, "medium")


def test_cpe_escapes() -> None:
    cpe = criteria_cpe(r"cpe:2.3:a:acme:web\:server:1.0:*:*:*:*:windows:*:*")
    assert cpe is not None and (cpe.product, cpe.version, cpe.target_sw) == (
        "web:server", "1.0", "windows")
    # NVD writes 2.3 names in full: a 2.2 URI or a cut-short name is not its own.
    assert criteria_cpe("cpe:/a:acme:app:1.0") is None
    assert criteria_cpe("cpe:2.3:a:acme:app:1.0") is None


def test_files_folders_and_errors(tmp_path: Path) -> None:
    packed = tmp_path / "page.json.gz"
    packed.write_bytes(gzip.compress(API2.read_bytes()))
    (tmp_path / "broken.json").write_text('{"vulnerabilities": [')
    (tmp_path / "other.json").write_text('{"hello": 1}')
    results = {Path(p.source_file).name: p for p in NvdFeed().parse(tmp_path)}
    assert len(results["page.json.gz"].advisories) == 4
    assert not results["broken.json"].ok
    assert results["broken.json"].problems[0].reason.startswith("not readable NVD JSON")
    assert results["other.json"].problems[0].reason.startswith("not an NVD CVE API 2.0 answer")
    with pytest.raises(FeedError):
        list(NvdFeed().parse(tmp_path / "missing"))


# -- damaged input --------------------------------------------------------

DOCS = {"api2": json.loads(API2.read_text()), "legacy": json.loads(LEGACY.read_text())}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8)




TARGETS = [(name, path) for name, doc in DOCS.items() for path in json_paths(doc)[1:]]


def _check(parsed: Parsed) -> None:
    assert all(isinstance(p, Problem) for p in parsed.problems)
    assert all(isinstance(a, Advisory) and all(isinstance(i, AffectedItem) for i in a.affected)
               for a in parsed.advisories)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TARGETS), json_values)
def test_mutated_json_gives_problems(target: tuple[str, tuple], value: Any) -> None:
    name, path = target
    doc = copy.deepcopy(DOCS[name])
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    _check(parse_data(doc, "mutated.json"))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(DOCS)), st.floats(0.0, 1.0), st.binary(max_size=8))
def test_truncated_files_give_problems(tmp_path: Path, name: str, cut: float, junk: bytes) -> None:
    raw = (API2 if name == "api2" else LEGACY).read_bytes()
    file = tmp_path / "cut.json"
    file.write_bytes(raw[: int(len(raw) * cut)] + junk)
    _check(next(NvdFeed().parse(file)))
