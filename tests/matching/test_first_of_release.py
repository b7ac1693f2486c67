"""A known software row is matched again when a host is the first of its
release to have it: whether the host installed it, or moved to that release
with it installed; on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

from server.feeds.interface import AffectedItem
from tests.matching.helpers import NOW, advisory, findings, linux, pkg, publish, report

LATER = NOW + dt.timedelta(days=1)
CURL = AffectedItem("deb", "curl", "vers:deb/<7.88.1-10+deb12u6", "7.88.1-10+deb12u6", distro="debian:12")
OLD_CURL = pkg("curl", "7.88.1-10+deb12u5")


def test_a_host_that_installs_a_row_of_another_release(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("eleven", "debian", 11, [OLD_CURL]))
        report(session, linux("twelve", "debian", 12, [pkg("bash", "5.2.15-2+b2")]))
        publish(session, advisory("DSA-1", CURL))
        assert findings(session) == set()  # only a Debian 11 host has that curl
        report(session, linux("twelve", "debian", 12, [pkg("bash", "5.2.15-2+b2"), OLD_CURL]), LATER)
        assert findings(session) == {("twelve", "DSA-1", "curl")}


def test_a_host_that_moves_to_another_release_with_the_row(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, linux("pc", "debian", 11, [OLD_CURL]))
        publish(session, advisory("DSA-1", CURL))
        assert findings(session) == set()
        report(session, linux("pc", "debian", 12, [OLD_CURL]), LATER)  # the same link, now on Debian 12
        assert findings(session) == {("pc", "DSA-1", "curl")}


def test_a_new_host_beside_others_of_its_release(sessions) -> None:  # type: ignore[no-untyped-def]
    # Its release-mates' software is set aside before probing; what they do
    # not have (curl, known only on Debian 11) is still matched for it.
    with sessions.begin() as session:
        report(session, linux("eleven", "debian", 11, [OLD_CURL]))
        for name in ("a", "b", "c", "d"):
            report(session, linux(name, "debian", 12, [pkg("bash", "5.2.15-2+b2")]))
        publish(session, advisory("DSA-1", CURL))
        assert findings(session) == set()
        report(session, linux("new", "debian", 12, [pkg("bash", "5.2.15-2+b2"), OLD_CURL]), LATER)
        assert findings(session) == {("new", "DSA-1", "curl")}
