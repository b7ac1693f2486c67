"""PyPI packages end to end (OSV record -> import -> report -> findings): PyPI
order, including releases PEP 440 rejects ("legacy" versions), which OSV
records name and order below every valid version."""
from __future__ import annotations

import pytest

from server.feeds.interface import AffectedItem
from server.matching.explain import explain
from tests.feeds.osv.conftest import OWN, parse_one
from tests.matching.helpers import findings, linux, pkg, publish, report

HOSTS = {
    "m1": ("legacy-pkg", "0.3m1"),  # below "introduced"
    "m3": ("legacy-pkg", "0.3m3"),
    "m4": ("legacy_pkg", "0.3M4"),  # PEP 503 name, upper-case tag
    "m5": ("legacy-pkg", "0.3m5"),  # the fix
    "m10": ("legacy-pkg", "0.3m10"),  # numeric, not text, order: above m5
    "valid": ("legacy-pkg", "0.4"),  # every PEP 440 version is above every legacy one
    "dated-old": ("dated-pkg", "2013-01-21T20:33:09+0100"),
    "dated-fix": ("dated-pkg", "2013-06-01T10:32:51+0200"),
    "dated-new": ("dated-pkg", "2014-01-12T15-52-10"),
    "dated-valid": ("dated-pkg", "1.0"),
}
AFFECTED = {("m3", "PYSEC-9999-2", "legacy-pkg"), ("m4", "PYSEC-9999-2", "legacy_pkg"),
            ("dated-old", "PYSEC-9999-2", "dated-pkg")}


def _record():  # type: ignore[no-untyped-def]
    parsed = parse_one(OWN / "PYSEC-9999-2.json")
    assert parsed.ok and parsed.problems == []
    [advisory] = parsed.advisories
    return advisory


def test_the_record_keeps_its_legacy_bounds() -> None:
    assert _record().affected == (
        AffectedItem("pypi", "legacy-pkg", "vers:pypi/>=0.3m2|<0.3m5", "0.3m5", purl="pkg:pypi/legacy-pkg"),
        AffectedItem("pypi", "dated_pkg", "vers:pypi/<2013-06-01T10:32:51+0200", "2013-06-01T10:32:51+0200"),
    )


@pytest.mark.parametrize("advisory_first", [True, False])
def test_legacy_pypi_ranges_find_what_they_should(sessions, advisory_first: bool) -> None:  # type: ignore[no-untyped-def]
    # Both orders: a feed import matches known software (match_affected), a
    # report matches known items (match_software).
    with sessions.begin() as session:
        if advisory_first:
            publish(session, _record())
        for uuid, (name, version) in HOSTS.items():
            report(session, linux(uuid, "debian", 12, [pkg(name, version, "pypi")]))
        if not advisory_first:
            publish(session, _record())
    with sessions() as session:
        assert findings(session) == AFFECTED


def test_explain_names_the_legacy_comparison(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        host = report(session, linux("m3", "debian", 12, [pkg("legacy-pkg", "0.3m3", "pypi")]))
        publish(session, _record())
        rows = [r for r in explain(session, host, "PYSEC-9999-2") if r.verdict != "not installed"]
    assert [(r.installed, r.verdict, r.reason) for r in rows] == [
        ("0.3m3", "affected", "0.3m3 in vers:pypi/>=0.3m2|<0.3m5")]
