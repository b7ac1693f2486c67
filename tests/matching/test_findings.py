"""Findings deltas: idempotent, history kept, and incremental paths that
touch only the hosts they should, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.db.models import Finding, Host
from server.feeds.interface import AffectedItem
from server.matching.engine import match_all
from server.matching import findings as findings_module
from server.matching.findings import Delta, refresh_findings
from tests.matching.helpers import NOW, advisory, findings, linux, pkg, publish, report, windows

LATER = NOW + dt.timedelta(days=3)
CURL = AffectedItem("deb", "curl", "vers:deb/<7.88.1-10+deb12u6", "7.88.1-10+deb12u6", distro="debian:12")
SSH = AffectedItem("deb", "openssh", "vers:deb/<1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u3", distro="debian:12")
APRIL = AffectedItem("windows-os", "10.0.19045", "vers:windows/<10.0.19045.4291", "10.0.19045.4291",
                     fixed_kbs=("KB5036892",))


def _fleet(session):  # type: ignore[no-untyped-def]
    report(session, linux("a", "debian", 12, [pkg("curl", "7.88.1-10+deb12u5"), pkg("libcurl4", "7.88.1-10+deb12u5", source="curl"),
                                              pkg("openssh-client", "1:9.2p1-2+deb12u2", source="openssh")]))
    report(session, linux("b", "debian", 12, [pkg("curl", "7.88.1-10+deb12u5")]))
    report(session, windows("w", "10.0.19045.4170"))
    publish(session, advisory("DSA-1", CURL), advisory("DSA-2", SSH), advisory("MS-1", APRIL, source="msrc"))


def _rows(session):  # type: ignore[no-untyped-def]
    return sorted(tuple(r) for r in session.execute(select(
        Finding.id, Finding.host_id, Finding.affected_id, Finding.software_id, Finding.matcher, Finding.matched_on,
        Finding.installed_version, Finding.fixed_version, Finding.first_detected, Finding.resolved_at)))


def test_refreshing_twice_changes_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        before = _rows(session)
        assert refresh_findings(session, None, LATER) == Delta(0, 0)
        assert match_all(session) == 3 and refresh_findings(session, None, LATER) == Delta(0, 0)
        hosts = list(session.scalars(select(Host.id)))
        assert refresh_findings(session, hosts, LATER) == Delta(0, 0)
        assert _rows(session) == before
    assert [(r[4], r[5], r[6], r[7]) for r in before] == [
        ("deb", "deb curl", "7.88.1-10+deb12u5", "7.88.1-10+deb12u6"),
        ("deb", "deb curl", "7.88.1-10+deb12u5", "7.88.1-10+deb12u6"),
        ("deb", "deb openssh", "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3"),
        ("deb", "deb curl", "7.88.1-10+deb12u5", "7.88.1-10+deb12u6"),
        ("windows-os", "build family 10.0.19045", "10.0.19045.4170", "10.0.19045.4291"),
    ]


def test_an_upgrade_resolves_and_keeps_the_finding(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        report(session, linux("b", "debian", 12, [pkg("curl", "7.88.1-10+deb12u6")]), now=LATER)
        report(session, windows("w", "10.0.19045.4291", collected_at=LATER), now=LATER)
        b_rows = session.execute(select(Finding.resolved_at).join(Host, Host.id == Finding.host_id)
                                 .where(Host.uuid.in_(["b", "w"]))).scalars().all()
        assert b_rows == [LATER, LATER]
        assert findings(session, open_only=False) - findings(session) == {("b", "DSA-1", "curl"), ("w", "MS-1", "OS")}


@pytest.mark.parametrize("few_hosts", [findings_module.FEW_HOSTS, 0], ids=["look-up", "anti-join"])
def test_both_ways_of_resolving_a_host_scope_agree(sessions, monkeypatch, few_hosts: int) -> None:  # type: ignore[no-untyped-def]
    # A report's own refresh looks each open finding's pair up; hundreds
    # of hosts at once use the anti-join. Either way the same findings close.
    monkeypatch.setattr(findings_module, "FEW_HOSTS", few_hosts)
    with sessions.begin() as session:
        _fleet(session)
        host = report(session, linux("a", "debian", 12, [pkg("curl", "7.88.1-10+deb12u6"),
                                                        pkg("openssh-client", "1:9.2p1-2+deb12u2", source="openssh")]),
                      now=LATER)
        assert findings(session, host) == {("a", "DSA-2", "openssh-client")}
        assert ("a", "DSA-1", "curl") in findings(session, open_only=False)


def test_a_report_refreshes_only_its_host(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        others = [r for r in _rows(session) if r[1] != 1]
        host = report(session, linux("a", "debian", 12, [pkg("curl", "7.88.1-10+deb12u6"),
                                                        pkg("openssh-client", "1:9.2p1-2+deb12u2", source="openssh")]),
                      now=LATER)
        assert [r for r in _rows(session) if r[1] != host.id] == others
        assert findings(session, host) == {("a", "DSA-2", "openssh-client")}


def test_a_feed_import_touches_only_hosts_with_the_product(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        before = _rows(session)
        summary = publish(session, advisory("DSA-3", AffectedItem("deb", "openssh", "vers:deb/<1:9.2p1-2+deb12u4",
                                                                  "1:9.2p1-2+deb12u4", distro="debian:12")), now=LATER)
        assert summary.findings == Delta(1, 0)
        assert _rows(session)[: len(before)] == before
        # A revision that drops the fix resolves its findings and nothing else.
        summary = publish(session, advisory("DSA-3", revision="2"), now=LATER)
        assert summary.findings == Delta(0, 0)
        assert findings(session) == {("a", "DSA-1", "curl"), ("a", "DSA-1", "libcurl4"), ("a", "DSA-2", "openssh-client"),
                                     ("b", "DSA-1", "curl"), ("w", "MS-1", "OS")}


def test_known_software_on_a_new_release_is_matched_for_it(sessions) -> None:  # type: ignore[no-untyped-def]
    # The same package version on Debian 12 first, then on Debian 11: the
    # bullseye advisory must reach the bullseye host although the row is not new.
    same = [pkg("tzdata", "2024a-0+deb11u1")]
    with sessions.begin() as session:
        report(session, linux("bookworm", "debian", 12, same))
        publish(session, advisory("DLA-1", AffectedItem("deb", "tzdata", "vers:deb/<2024b-0+deb11u1",
                                                        "2024b-0+deb11u1", distro="debian:11")))
        assert findings(session) == set()
        report(session, linux("bullseye", "debian", 11, same), now=LATER)
        assert findings(session) == {("bullseye", "DLA-1", "tzdata")}


def test_an_open_gap_shows_the_fix_of_the_latest_revision(sessions) -> None:  # type: ignore[no-untyped-def]
    from server import queries

    first = AffectedItem("deb", "openssl", fixed_version="3.0.13-1~deb12u1", distro="debian:12")
    later = AffectedItem("deb", "openssl", fixed_version="3.0.14-1~deb12u1", distro="debian:12")
    with sessions.begin() as session:
        report(session, linux("srv", "debian", 12, [pkg("libssl3", "3.0.11-1~deb12u2", source="openssl")]))
        publish(session, advisory("DSA-X", first, revision="1"))
        publish(session, advisory("DSA-X", later, revision="2"), now=NOW + dt.timedelta(hours=1))
    with sessions() as session:
        (gap,) = queries.gaps(session, NOW + dt.timedelta(days=1))
    assert (gap["installed"], gap["fixed"]) == ("3.0.11-1~deb12u2", "3.0.14-1~deb12u1")


def test_refreshes_of_one_shape_reuse_their_statements(sessions) -> None:  # type: ignore[no-untyped-def]
    from server.matching.findings import _software_statements

    with sessions.begin() as session:
        _fleet(session)
        hosts = sorted(session.scalars(select(Host.id)))
        refresh_findings(session, hosts[:1], LATER)
        refresh_findings(session, None, LATER, affected_ids=[1])
        before = _software_statements.cache_info()
        assert refresh_findings(session, hosts[1:2], LATER) == Delta(0, 0)
        assert refresh_findings(session, None, LATER, affected_ids=[2]) == Delta(0, 0)
        after = _software_statements.cache_info()
        assert (after.misses, after.hits) == (before.misses, before.hits + 2)
