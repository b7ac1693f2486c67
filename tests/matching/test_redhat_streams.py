"""Red Hat minor-release streams (EUS, AUS, TUS, E4S) and layered products
on RHEL, end to end (CSAF document -> import -> report -> findings, explain)
on SQLite and PostgreSQL.

A minor-release stream's item applies to hosts at exactly that minor, where
it decides instead of the mainline item of the same package and a host is
fixed by either fix. A layered product's package is tied to the RHEL major
its CPE, name and build agree on, and a build of one stream (``.el8eap``,
``.rhaos4.14``) is decided only by that stream's fix. Hand-written documents
of the published shape are in ``tests/fixtures/csaf``; the real ones in
``../shared/testdata`` are checked host by host against what
``bench.redhat_accuracy`` reads from them apart from the matcher.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.naive import engine_findings, naive_host
from bench.redhat_accuracy import flagged, host_of, load
from collector import wire
from server.db.models import Host
from server.distros import release_of
from server.feeds.csaf import CsafFeed
from server.feeds.interface import Advisory, AffectedItem
from server.matching.decide import module_of
from server.matching.explain import explain
from tests.matching.helpers import findings, linux, pkg, publish, report


def _csaf(path: Path):  # type: ignore[no-untyped-def]
    (parsed,) = CsafFeed().parse(path)
    assert parsed.ok, parsed.problems
    return parsed.advisories


@pytest.mark.parametrize(("platform", "major", "minor", "release"), [
    ("rhel", 9, 2, "rhel:9.2"), ("rhel", 8, 10, "rhel:8.10"), ("rocky", 9, 4, "rocky:9.4"),
    ("ol", 8, 6, "oracle:8.6"), ("debian", 12, 5, ""), ("ubuntu", 22, 4, ""), ("windows", 10, 0, "")])
def test_hosts_have_a_minor_release(platform: str, major: int, minor: int, release: str) -> None:
    os = wire.OsInfo(name=platform, version=f"{major}.{minor}", platform=platform, major=major, minor=minor)
    assert release_of(os) == release


@pytest.mark.parametrize(("version", "major", "minor", "release"), [
    ("9.2 (Plow)", 9, 2, "rhel:9.2"),  # osquery's os_version.version from /etc/redhat-release
    ("8.10", 8, 10, "rhel:8.10"), ("7", 7, 0, ""), ("", 9, 0, ""), ("9.21", 9, 2, "")])
def test_a_minor_release_only_when_the_version_shows_it(version: str, major: int, minor: int, release: str) -> None:
    assert release_of(wire.OsInfo(name="rhel", version=version, platform="rhel", major=major, minor=minor)) == release


def _widgetd(uuid: str, minor: int, version: str, major: int = 9) -> wire.Report:
    return linux(uuid, "rhel", major, [pkg("widgetd", version, "rpm")], minor)


def _publish_and_report(sessions, hosts: list[wire.Report], advisory_first: bool, *advisories: Advisory):  # type: ignore[no-untyped-def]
    """Store the hosts' reports after the advisories, or before them: both
    orders must reach the same findings."""
    with sessions.begin() as session:
        if advisory_first:
            publish(session, *advisories)
        stored = [report(session, host) for host in hosts]
        if not advisory_first:
            publish(session, *advisories)
    return stored


STREAM_HOSTS = [
    _widgetd("9.2-below-eus", 2, "1.4-3.el9_2"),
    _widgetd("9.2-eus-fix", 2, "1.4-3.el9_2.1"),  # the EUS fix: mainline's higher fix must not flag it
    _widgetd("9.2-above-eus", 2, "1.4-3.el9_2.2"),
    _widgetd("9.2-mainline-fix", 2, "1.4-5.el9_4"),
    _widgetd("9.4-below", 4, "1.4-4.el9_4"),
    _widgetd("9.4-fix", 4, "1.4-5.el9_4"),
    _widgetd("9.4-above", 4, "1.4-6.el9_4"),
    _widgetd("9.4-eus-fix", 4, "1.4-3.el9_2.1"),  # the 9.2 stream's fix is not 9.4's
    _widgetd("9.0-old", 0, "1.4-2.el9_0"),  # 9.0 EUS has no fix: affected below mainline's
    _widgetd("9.0-mainline-fix", 0, "1.4-5.el9_4"),  # ...and the unfixed stream invents nothing above it
    _widgetd("8.6-other-major", 6, "1.4-1.el8", major=8),
]
STREAM_FINDINGS = {("9.2-below-eus", "CVE-9999-0101", "widgetd"), ("9.4-below", "CVE-9999-0101", "widgetd"),
                   ("9.4-eus-fix", "CVE-9999-0101", "widgetd"), ("9.0-old", "CVE-9999-0101", "widgetd")}


@pytest.mark.parametrize("advisory_first", [True, False])
def test_minor_release_streams(sessions, fixtures_dir: Path, advisory_first: bool) -> None:  # type: ignore[no-untyped-def]
    advisories = _csaf(fixtures_dir / "csaf" / "redhat-streams-9999_0101.json")
    assert {(i.distro, i.fixed_version) for i in advisories[0].affected} == {
        ("rhel:9.2", "1.4-3.el9_2.1"), ("rhel:9", "1.4-5.el9_4"), ("rhel:9.0", "")}
    hosts = _publish_and_report(sessions, STREAM_HOSTS, advisory_first, *advisories)
    with sessions() as session:
        assert findings(session) == STREAM_FINDINGS
        # One finding per host, under the item of the stream that decided it.
        assert len(engine_findings(session)) == len(STREAM_FINDINGS)
        assert engine_findings(session) == set().union(*(naive_host(session, h.id) for h in hosts))


def test_explain_names_the_stream(sessions, fixtures_dir: Path) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        publish(session, *_csaf(fixtures_dir / "csaf" / "redhat-streams-9999_0101.json"))
        at_eus_fix = report(session, STREAM_HOSTS[1])
        at_90 = report(session, STREAM_HOSTS[9])
        at_94 = report(session, STREAM_HOSTS[7])
    with sessions() as session:
        rows = {(e.item, e.verdict, e.reason) for e in explain(session, session.get(Host, at_eus_fix.id),
                                                               "CVE-9999-0101")}
        assert rows == {
            ("rpm widgetd (rhel:9.2): widgetd", "not affected",
             "stream rhel:9.2 (minor release: EUS/AUS/TUS/E4S): 1.4-3.el9_2.1 not in vers:rpm/<1.4-3.el9_2.1"),
            ("rpm widgetd (rhel:9): widgetd", "not applicable",
             "this host is at rhel:9.2: this advisory's item of stream rhel:9.2 (minor release: EUS/AUS/TUS/E4S) "
             "decides"),
            ("rpm widgetd (rhel:9.0)", "not applicable", "advisory is for rhel:9.0; this host is rhel:9 at rhel:9.2"),
        }
        rows = {(e.item, e.verdict, e.reason) for e in explain(session, session.get(Host, at_90.id), "CVE-9999-0101")}
        assert ("rpm widgetd (rhel:9.0): widgetd", "not affected",
                "stream rhel:9.0 (minor release: EUS/AUS/TUS/E4S): 1.4-5.el9_4 in vers:rpm/*; fixed by stream rhel:9 "
                "(mainline): 1.4-5.el9_4 not in vers:rpm/<1.4-5.el9_4") in rows
        rows = {(e.item, e.verdict, e.reason) for e in explain(session, session.get(Host, at_94.id), "CVE-9999-0101")}
        assert ("rpm widgetd (rhel:9): widgetd", "affected",
                "stream rhel:9 (mainline): 1.4-3.el9_2.1 in vers:rpm/<1.4-5.el9_4") in rows


LAYERED_HOSTS = [
    linux("eap-below", "rhel", 8, [pkg("eap7-undertow", "2.2.23-1.SP1_redhat_00001.1.el8eap", "rpm")], 9),
    linux("eap-fix", "rhel", 8, [pkg("eap7-undertow", "2.2.24-1.SP1_redhat_00001.1.el8eap", "rpm")], 9),
    linux("eap-above", "rhel", 8, [pkg("eap7-undertow", "2.2.25-1.SP1_redhat_00001.1.el8eap", "rpm")], 9),
    linux("eap-on-rhel9", "rhel", 9, [pkg("eap7-undertow", "2.2.23-1.SP1_redhat_00001.1.el9eap", "rpm")], 4),
    # runc of OpenShift beside RHEL's runc: each build is decided by its own stream's fix.
    linux("ocp-runc-below", "rhel", 8, [pkg("runc", "1.1.10-1.rhaos4.14.el8", "rpm")], 9),
    linux("ocp-runc-fix", "rhel", 8, [pkg("runc", "1.1.12-1.rhaos4.14.el8", "rpm")], 9),  # base fix is larger
    linux("base-runc-below", "rhel", 8, [pkg("runc", "1.1.12-1.module+el8.9.0+21000+0a1b2c3d", "rpm")], 9),
    linux("base-runc-fix", "rhel", 8, [pkg("runc", "1.1.12-2.module+el8.9.0+21243+a586538b", "rpm")], 9),
    linux("foreman-below", "rhel", 8, [pkg("foreman", "3.9.1.5-1.el8sat", "rpm")], 9),
    linux("foreman-fix", "rhel", 8, [pkg("foreman", "3.9.1.6-1.el8sat", "rpm")], 9),
    # A container image and a text-only product are not rpm packages.
    linux("not-rpm", "rhel", 8, [pkg("eap74-openjdk17-openshift-rhel8", "1.0-1.el8", "rpm"),
                                 pkg("jboss_enterprise_application_platform", "7.0-1.el8", "rpm")], 9),
]
LAYERED_FINDINGS = {("eap-below", "RHSA-9999:0102", "eap7-undertow"), ("ocp-runc-below", "RHSA-9999:0102", "runc"),
                    ("base-runc-below", "RHSA-9999:0102", "runc"), ("foreman-below", "RHSA-9999:0102", "foreman")}


@pytest.mark.parametrize("advisory_first", [True, False])
def test_layered_products(sessions, fixtures_dir: Path, advisory_first: bool) -> None:  # type: ignore[no-untyped-def]
    (advisory,) = _csaf(fixtures_dir / "csaf" / "redhat-layered-9999_0102.json")
    rpm = {(i.product, i.distro, i.fixed_version) for i in advisory.affected if i.ecosystem == "rpm"}
    assert rpm == {("eap7-undertow", "rhel:8", "2.2.24-1.SP1_redhat_00001.1.el8eap"),
                   ("runc", "rhel:8", "1.1.12-1.rhaos4.14.el8"),
                   ("runc", "rhel:8", "1.1.12-2.module+el8.9.0+21243+a586538b"),
                   ("foreman", "rhel:8", "3.9.1.6-1.el8sat")}
    assert {i.ecosystem for i in advisory.affected if i.ecosystem != "rpm"} == {"oci", "generic"}
    hosts = _publish_and_report(sessions, LAYERED_HOSTS, advisory_first, advisory)
    with sessions() as session:
        assert findings(session) == LAYERED_FINDINGS
        assert engine_findings(session) == set().union(*(naive_host(session, h.id) for h in hosts))


def test_explain_layered_streams_and_contradictions(sessions, fixtures_dir: Path) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        publish(session, *_csaf(fixtures_dir / "csaf" / "redhat-layered-9999_0102.json"))
        node = report(session, LAYERED_HOSTS[5])
        satellite = report(session, LAYERED_HOSTS[8])
    with sessions() as session:
        rows = {(e.fixed, e.verdict, e.reason) for e in explain(session, session.get(Host, node.id), "RHSA-9999:0102")
                if e.installed}
        assert rows == {
            ("1.1.12-1.rhaos4.14.el8", "not affected",
             "stream rhel:8 (mainline): 1.1.12-1.rhaos4.14.el8 not in vers:rpm/<1.1.12-1.rhaos4.14.el8"),
            ("1.1.12-2.module+el8.9.0+21243+a586538b", "not affected",
             "stream rhel:8 (mainline): fix is for the el8 base build, installed 1.1.12-1.rhaos4.14.el8 is an el8 "
             "rhaos build"),
        }
        (foreman,) = [e for e in explain(session, session.get(Host, satellite.id), "RHSA-9999:0102") if e.installed]
        assert foreman.verdict == "affected"
        assert foreman.reason.endswith(
            "(note: RHEL release of Red Hat Satellite 6.15 for RHEL 8 is contradictory (CPE says RHEL 9, product "
            "name says RHEL 8, build tag says RHEL 8): matched as rhel:8)")


def _postgresql(uuid: str, major: int, version: str, name: str = "postgresql") -> wire.Report:
    return linux(uuid, "rhel", major, [pkg(name, version, "rpm")], 8 if major == 8 else 2)


# One advisory fixes postgresql in two module streams on RHEL 8 (13.11 in
# postgresql:13, 15.3 in postgresql:15) and, on RHEL 9, in the non-modular
# default (13.11) and in the postgresql:15 module; pg_repack of postgresql:15
# keeps its own numbering.
MODULE_HOSTS = [
    _postgresql("13-below", 8, "13.10-1.module+el8.7.0+18000+dddd4444"),
    _postgresql("13-fix", 8, "13.11-1.module+el8.8.0+19000+aaaa1111"),  # 15.3's fix must not flag it
    _postgresql("15-below", 8, "15.2-1.module+el8.7.0+18001+eeee5555"),
    _postgresql("15-fix", 8, "15.3-1.module+el8.8.0+19001+bbbb2222"),
    _postgresql("15-above", 8, "15.4-1.module+el8.9.0+20001+ffff6666"),
    _postgresql("repack-below", 8, "1.4.7-1.module+el8.7.0+18001+eeee5555", "pg_repack"),
    _postgresql("repack-fix", 8, "1.4.8-1.module+el8.8.0+19001+bbbb2222", "pg_repack"),
    _postgresql("9-default-below", 9, "13.10-1.el9"),
    _postgresql("9-default-fix", 9, "13.11-1.el9_2"),  # not the postgresql:15 module's business
    _postgresql("9-module-below", 9, "15.2-1.module+el9.1.0+17000+abcd0001"),
    _postgresql("9-module-fix", 9, "15.3-1.module+el9.2.0+19002+cccc3333"),
]
MODULE_FINDINGS = {(uuid, "CVE-9999-0103", name) for uuid, name in [
    ("13-below", "postgresql"), ("15-below", "postgresql"), ("repack-below", "pg_repack"),
    ("9-default-below", "postgresql"), ("9-module-below", "postgresql")]}


@pytest.mark.parametrize("advisory_first", [True, False])
def test_module_streams_decide_their_own_series(sessions, fixtures_dir: Path, advisory_first: bool) -> None:  # type: ignore[no-untyped-def]
    advisories = _csaf(fixtures_dir / "csaf" / "redhat-modules-9999_0103.json")
    assert {(i.product, i.distro, module_of(i.purl)) for i in advisories[0].affected} == {
        ("postgresql", "rhel:8", "postgresql:13"), ("postgresql", "rhel:8", "postgresql:15"),
        ("pg_repack", "rhel:8", "postgresql:15"), ("postgresql", "rhel:9", ""), ("postgresql", "rhel:9", "postgresql:15")}
    hosts = _publish_and_report(sessions, MODULE_HOSTS, advisory_first, *advisories)
    with sessions() as session:
        assert findings(session) == MODULE_FINDINGS
        assert engine_findings(session) == set().union(*(naive_host(session, h.id) for h in hosts))
        fixed_13 = session.get(Host, hosts[1].id)
        rows = {(e.fixed, e.verdict, e.reason) for e in explain(session, fixed_13, "CVE-9999-0103") if e.installed}
        assert rows == {
            ("13.11-1.module+el8.8.0+19000+aaaa1111", "not affected",
             "stream rhel:8 (mainline): 13.11-1.module+el8.8.0+19000+aaaa1111 not in "
             "vers:rpm/<13.11-1.module+el8.8.0+19000+aaaa1111"),
            ("15.3-1.module+el8.8.0+19001+bbbb2222", "not affected",
             "stream rhel:8 (mainline): fix is for module stream postgresql:15, installed "
             "13.11-1.module+el8.8.0+19000+aaaa1111 is not of that series"),
        }


def test_shared_red_hat_documents_host_by_host(sessions, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Every host below, at and above each fix of the real documents, at its
    stream's minor or another one, and hosts of packages listed unfixed or
    not affected: flagged exactly when the document says it is affected."""
    parsed, cases = load(shared_dir)
    assert {c.major for c in cases} >= {6, 7, 8, 9} and any(c.minor == 2 and c.major == 8 for c in cases)
    found = flagged(sessions, parsed, cases)
    wrong = [c.host for index, c in enumerate(cases) if ((host_of(index), c.advisory) in found) != c.affected]
    assert wrong == []
    assert sum(c.affected for c in cases) > 50 and sum(not c.affected for c in cases) > 200


def _errata(advisory_id: str, distro: str, fixed: str, cves: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return Advisory(source="csaf", advisory_id=advisory_id, title=advisory_id, revision="1", cves=cves, affected=(
        AffectedItem("rpm", "widgetd", f"vers:rpm/<{fixed}", fixed, vendor="redhat", distro=distro),))


NOT_SHARING = {("9.4-below", "RHSA-9999:0203", "widgetd"), ("9.4-fix", "RHSA-9999:0203", "widgetd")}


def test_streams_in_separate_errata_share_a_cve(sessions) -> None:  # type: ignore[no-untyped-def]
    """Red Hat's errata are one per stream: the mainline one and the EUS one
    of a CVE are separate documents, and decide together as in one VEX."""
    mainline = _errata("RHSA-9999:0201", "rhel:9", "1.4-5.el9_4", ("CVE-9999-0201", "CVE-9999-0202"))
    eus = _errata("RHSA-9999:0202", "rhel:9.2", "1.4-3.el9_2.1", ("CVE-9999-0201",))
    # A 9.4 stream errata of another CVE: its own finding, and no say over 0201 at 9.4.
    other_cve = _errata("RHSA-9999:0203", "rhel:9.4", "1.4-9.el9_4", ("CVE-9999-0299",))
    with sessions.begin() as session:
        publish(session, mainline, other_cve)
        hosts = [report(session, STREAM_HOSTS[i]) for i in (0, 1, 4, 5)]
    with sessions() as session:  # before the EUS errata: mainline alone decides, the EUS fix is flagged
        assert findings(session) == {("9.2-below-eus", "RHSA-9999:0201", "widgetd"),
                                     ("9.2-eus-fix", "RHSA-9999:0201", "widgetd"),
                                     ("9.4-below", "RHSA-9999:0201", "widgetd"), *NOT_SHARING}
    # Another source's record of the CVE names mainline only: it keeps its own say.
    letter = Advisory(source="warning", advisory_id="CV-9999", title="CV-9999", revision="1",
                      cves=("CVE-9999-0201",), affected=mainline.affected)
    with sessions.begin() as session:
        publish(session, eus, letter)
    with sessions() as session:
        assert findings(session) == {("9.2-below-eus", "RHSA-9999:0202", "widgetd"),
                                     ("9.4-below", "RHSA-9999:0201", "widgetd"), *NOT_SHARING,
                                     *{(h, "CV-9999", "widgetd") for h in ("9.2-below-eus", "9.2-eus-fix", "9.4-below")}}
        assert engine_findings(session) == set().union(*(naive_host(session, h.id) for h in hosts))
        rows = {(e.advisory, e.verdict, e.reason) for e in explain(session, session.get(Host, hosts[1].id),
                                                                   "RHSA-9999:0201")}
        assert rows == {("RHSA-9999:0201", "not applicable", "this host is at rhel:9.2: this advisory's item of "
                                                             "stream rhel:9.2 (minor release: EUS/AUS/TUS/E4S) decides")}
