"""RPM advisory entries named after binary packages, end to end (OSV record ->
import -> report -> findings), on SQLite and PostgreSQL.

OSV's AlmaLinux records list binary packages (``kernel-core``, ``python3-perf``,
``npm``), Red Hat's list source and binary RPMs side by side, and neither says
which kind an entry is. An entry matches an installed package by its binary
name, or by its source name unless the same advisory has an entry for that
binary (``server.matching.rpm_names``). Hand-written records of the published
shapes are in ``tests/fixtures/osv``.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.feeds.interface import AffectedItem
from server.matching.rpm_names import may_name_binary
from tests.matching.helpers import advisory, findings

from bench.naive import engine_findings, naive_host
from server.db.models import Advisory as AdvisoryRow
from server.db.models import Affected, Finding, Host, Software
from server.matching.engine import match_all
from server.matching.explain import explain
from server.matching.findings import refresh_findings
from tests.feeds.osv.conftest import OWN, parse_one
from tests.matching.helpers import NOW, linux, pkg, publish, report

RECORDS = ("ALSA-9999_0001.json", "ALSA-9999_0002.json", "ALSA-9999_0003.json", "RHSA-9999_0004.json",
           "RLSA-9999_0005.json")
OLD_KERNEL, NEW_KERNEL = "5.14.0-70.26.1.el9_0", "5.14.0-70.30.1.el9_0"


def _kernel(version: str) -> list:  # type: ignore[type-arg]
    return [pkg(name, version, "rpm", source="kernel")
            for name in ("kernel", "kernel-core", "kernel-modules", "python3-perf")]


HOSTS = [
    linux("a9-old-kernel", "almalinux", 9, _kernel(OLD_KERNEL), 0),
    linux("a9-new-kernel", "almalinux", 9, _kernel(NEW_KERNEL), 0),
    linux("r9-old-kernel", "rocky", 9, _kernel(OLD_KERNEL), 0),  # the AlmaLinux record is not Rocky's
    linux("a9-node-fixed", "almalinux", 9, [pkg("nodejs", "1:18.12.1-1.el9_1", "rpm"),
                                            pkg("npm", "1:8.19.2-1.18.12.1.1.el9_1", "rpm", source="nodejs")]),
    linux("a9-node-old", "almalinux", 9, [pkg("nodejs", "1:18.10.0-1.el9", "rpm"),
                                          pkg("npm", "1:8.19.1-1.18.10.0.1.el9", "rpm", source="nodejs")]),
    linux("a8-urllib3-old", "almalinux", 8, [pkg("python3-urllib3", "1.24.2-5.el8", "rpm", source="python-urllib3")]),
    linux("a8-urllib3-new", "almalinux", 8, [pkg("python3-urllib3", "1.24.2-5.el8_6.1", "rpm",
                                                 source="python-urllib3")]),
    # A binary of that name in a deb release is never an rpm entry's.
    linux("deb-urllib3", "debian", 12, [pkg("python3-urllib3", "1.0-1", "deb", source="python-urllib3")]),
    linux("r8-crypto-old", "rhel", 8, [pkg("python3-cryptography", "3.2.1-6.el8", "rpm",
                                           source="python-cryptography")], 9),
    linux("r8-crypto-new", "rhel", 8, [pkg("python3-cryptography", "3.2.1-7.el8_9", "rpm",
                                           source="python-cryptography")], 9),
    # Rocky names source packages: its "astroid" is not the mail client built
    # from source "astroidmail", only what source "astroid" builds.
    linux("r9-astroid", "rocky", 9, [pkg("astroid", "0.16-27.el9", "rpm", source="astroidmail"),
                                     pkg("python3-astroid", "2.14.1-1.el9", "rpm", source="astroid")]),
]

# (host, advisory, installed package, the entry that decided)
EXPECTED = {
    ("a9-old-kernel", "ALSA-9999:0001", "kernel", "kernel"),
    ("a9-old-kernel", "ALSA-9999:0001", "kernel-core", "kernel-core"),  # its own entry, not "kernel" too
    ("a9-old-kernel", "ALSA-9999:0001", "python3-perf", "python3-perf"),
    ("a9-old-kernel", "ALSA-9999:0001", "kernel-modules", "kernel"),  # no entry of its own: its source's
    # npm 8.19.1 is below nodejs's 18.12.1 and below its own 8.19.2; a fixed npm
    # (a9-node-fixed) is below nodejs's fix too and must not be flagged by it.
    ("a9-node-old", "ALSA-9999:0002", "nodejs", "nodejs"),
    ("a9-node-old", "ALSA-9999:0002", "npm", "npm"),
    ("a8-urllib3-old", "ALSA-9999:0003", "python3-urllib3", "python3-urllib3"),
    ("r8-crypto-old", "RHSA-9999:0004", "python3-cryptography", "python3-cryptography"),
    ("r9-astroid", "RLSA-9999:0005", "python3-astroid", "astroid"),
}


def _records():  # type: ignore[no-untyped-def]
    advisories = []
    for name in RECORDS:
        parsed = parse_one(OWN / name)
        assert parsed.ok and parsed.problems == []
        advisories.extend(parsed.advisories)
    return advisories


def _decided(session) -> set[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(Host.uuid, AdvisoryRow.advisory_id, Software.name, Affected.product)
        .select_from(Finding).join(Host, Host.id == Finding.host_id)
        .join(AdvisoryRow, AdvisoryRow.id == Finding.advisory_pk)
        .join(Software, Software.id == Finding.software_id).join(Affected, Affected.id == Finding.affected_id)
        .where(Finding.resolved_at.is_(None))).all()
    assert len(rows) == len(set(rows))
    return {tuple(row) for row in rows}  # type: ignore[misc]


@pytest.mark.parametrize("advisory_first", [True, False])
def test_entries_match_by_the_name_kind_they_use(sessions, advisory_first: bool) -> None:  # type: ignore[no-untyped-def]
    # Both orders: a feed import matches known software (match_affected), a
    # report matches known items (match_software).
    with sessions.begin() as session:
        if advisory_first:
            publish(session, *_records())
        for host in HOSTS:
            report(session, host)
        if not advisory_first:
            publish(session, *_records())
    with sessions() as session:
        assert _decided(session) == EXPECTED
        # The naive reference (one package at a time) decides the same.
        host_ids = list(session.scalars(select(Host.id)))
        assert set().union(*(naive_host(session, h) for h in host_ids)) == engine_findings(session)
    with sessions.begin() as session:
        match_all(session)  # a full re-match finds the same
        refresh_findings(session, None, NOW)
    with sessions() as session:
        assert _decided(session) == EXPECTED


def test_findings_say_which_name_matched(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, HOSTS[0])
        publish(session, *_records())
    with sessions() as session:
        matched = dict(session.execute(select(Software.name, Finding.matched_on)
                                       .join(Software, Software.id == Finding.software_id)).all())
    assert matched == {"kernel": "rpm kernel", "kernel-core": "rpm kernel-core", "python3-perf": "rpm python3-perf",
                       "kernel-modules": "rpm kernel"}


def test_explain_names_the_rule(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        host = report(session, HOSTS[8])
        publish(session, *_records())
        rows = [(e.item, e.installed, e.verdict, e.reason) for e in explain(session, host, "RHSA-9999:0004")]
    assert rows == [
        ("rpm python-cryptography (rhel:8): python3-cryptography", "3.2.1-6.el8", "not applicable",
         "this advisory's entry for the binary package python3-cryptography decides"),
        ("rpm python-cryptography-debugsource (rhel:8)", "", "not installed",
         "no rpm package built from source package or named 'python-cryptography-debugsource' on this host"),
        ("rpm python3-cryptography (rhel:8): python3-cryptography", "3.2.1-6.el8", "affected",
         "binary package python3-cryptography: stream rhel:8 (mainline): 3.2.1-6.el8 in vers:rpm/<3.2.1-7.el8_9"),
    ]


@pytest.mark.parametrize(
    ("distro", "purl", "binary"),
    [
        ("almalinux:9", "", True),  # AlmaLinux lists binaries
        ("rhel:9", "pkg:rpm/redhat/python3-cryptography", True),  # Red Hat's OSV: "a binary or source RPM"
        ("rhel:9", "pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=src", False),  # CSAF says which
        ("rhel:9", "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1", True),
        ("rocky:9", "pkg:rpm/rocky-linux/astroid?distro=rocky-linux-9&epoch=0", False),  # sources
        ("rocky:9", "", False),
        ("rhel:9", "", False),  # a letter, a hand-made item: sources
        ("mariner:2", "", False),
        ("sles:15.5", "pkg:rpm/suse/openssl-3?arch=src", False),
    ],
)
def test_which_entries_may_name_binaries(distro: str, purl: str, binary: bool) -> None:
    assert may_name_binary("rpm", distro, purl) is binary
    assert not may_name_binary("deb", distro, purl)


def test_an_entry_that_says_source_never_meets_a_binary_of_its_name(sessions) -> None:  # type: ignore[no-untyped-def]
    fixed = "2.14.2-9.el9"
    with sessions.begin() as session:
        report(session, linux("el9", "rhel", 9, [pkg("astroid", "0.16-27.el9", "rpm", source="astroidmail")], 4))
        publish(session,
                advisory("RHSA-9999:0006", AffectedItem("rpm", "astroid", f"vers:rpm/<{fixed}", fixed, distro="rhel:9",
                                                        purl=f"pkg:rpm/redhat/astroid@{fixed}?arch=src")),
                advisory("RHSA-9999:0007", AffectedItem("rpm", "astroid", f"vers:rpm/<{fixed}", fixed, distro="rhel:9",
                                                        purl=f"pkg:rpm/redhat/astroid@{fixed}?arch=noarch")))
    with sessions() as session:
        assert findings(session) == {("el9", "RHSA-9999:0007", "astroid")}


def test_real_almalinux_records(sessions, shared_dir) -> None:  # type: ignore[no-untyped-def]
    """AlmaLinux's own records (../shared): the kernel errata lists kernel-core
    and python3-perf, the nodejs module errata lists npm with its own version."""
    osv = shared_dir / "feeds" / "osv" / "almalinux"
    advisories = [a for name in ("almalinux8/ALSA-2026_A008.json", "almalinux9/ALSA-2022_8832.json")
                  for a in parse_one(osv / name).advisories]
    kernel_old, kernel_fix = "4.18.0-553.120.1.el8_10", "4.18.0-553.124.4.el8_10"
    npm_fix = "1:8.19.2-1.18.12.1.1.module_el9.1.0+16+91bc168f"
    nodejs_fix = "1:18.12.1-1.module_el9.1.0+16+91bc168f"
    with sessions.begin() as session:
        publish(session, *advisories)
        report(session, linux("a8-old", "almalinux", 8, [
            pkg(name, kernel_old, "rpm", source="kernel")
            for name in ("kernel-core", "kernel-modules-core", "python3-perf")], 10))
        report(session, linux("a8-fixed", "almalinux", 8, [
            pkg(name, kernel_fix, "rpm", source="kernel") for name in ("kernel-core", "python3-perf")], 10))
        report(session, linux("a9-node-fixed", "almalinux", 9, [
            pkg("nodejs", nodejs_fix, "rpm"), pkg("npm", npm_fix, "rpm", source="nodejs")], 1))
        report(session, linux("a9-npm-old", "almalinux", 9, [
            pkg("nodejs", nodejs_fix, "rpm"),
            pkg("npm", "1:8.19.1-1.18.10.0.1.module_el9.1.0+15+e1c1c0a4", "rpm", source="nodejs")], 1))
    with sessions() as session:
        assert _decided(session) == {
            ("a8-old", "ALSA-2026:A008", "kernel-core", "kernel-core"),
            ("a8-old", "ALSA-2026:A008", "python3-perf", "python3-perf"),
            # Not listed by the errata: its source package's entry decides.
            ("a8-old", "ALSA-2026:A008", "kernel-modules-core", "kernel"),
            ("a9-npm-old", "ALSA-2022:8832", "npm", "npm"),
        }


def test_binary_names_read_all_at_once_or_by_name(sessions) -> None:  # type: ignore[no-untyped-def]
    # A large feed import reads every rpm row named unlike its source once;
    # a small one looks its names up. Both give the same rows.
    from server.matching.lookup import SOFTWARE_BINARY_COLUMNS
    from server.matching.rpm_names import by_binary_name, named_binaries

    with sessions.begin() as session:
        for host in HOSTS:
            report(session, host)
    with sessions() as session:
        every = by_binary_name(session, SOFTWARE_BINARY_COLUMNS)
        assert {"kernel-core", "python3-perf", "npm", "python3-urllib3", "python3-cryptography"} <= set(every)
        assert "kernel" not in every and "nodejs" not in every  # named like their source package
        some = by_binary_name(session, SOFTWARE_BINARY_COLUMNS, ["npm", "python3-perf", "kernel"])
        assert {k: sorted(map(tuple, v)) for k, v in some.items()} == {
            k: sorted(map(tuple, every[k])) for k in ("npm", "python3-perf")}
        # A full re-match reads only the binaries some rpm entry is named after: none yet.
        assert named_binaries(session) == {}
    with sessions.begin() as session:
        publish(session, *_records())
    with sessions() as session:
        assert set(named_binaries(session).values()) == {
            "kernel-core", "python3-perf", "npm", "python3-urllib3", "python3-cryptography", "astroid"}
