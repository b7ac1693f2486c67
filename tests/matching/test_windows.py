"""Windows builds (supersedence, KBs, unknown UBR) and Windows programs
identified through the product rules, on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from server.db.models import Affected, Finding, Software
from server.feeds.interface import AffectedItem
from server.matching.unidentified import unidentified
from tests.matching.helpers import advisory, findings, pkg, publish, report, windows

APRIL = AffectedItem("windows-os", "10.0.19045", "vers:windows/<10.0.19045.4291", "10.0.19045.4291",
                     fixed_kbs=("KB5036892",), vendor="microsoft")


def test_cumulative_updates_supersede_and_kbs_decide_without_ubr(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, windows("june", "10.0.19045.4529", kbs=("KB5039211",)))  # a later CU
        report(session, windows("march", "10.0.19045.4170", kbs=("KB5035845",)))
        report(session, windows("stale-build", "10.0.19045.4170", kbs=("KB5036892",)))  # KB installed
        report(session, windows("no-ubr-patched", "10.0.19045", kbs=("KB5036892",)))
        report(session, windows("no-ubr", "10.0.19045", kbs=("KB5035845",)))
        report(session, windows("win11", "10.0.22631.3447"))  # another family
        publish(session, advisory("CVE-2024-26234", APRIL, source="msrc"))
    with sessions() as session:
        assert findings(session) == {("march", "CVE-2024-26234", "OS"), ("no-ubr", "CVE-2024-26234", "OS")}
        matchers = dict(session.execute(select(Finding.installed_version, Finding.matcher)).all())
    assert matchers == {"10.0.19045.4170": "windows-os", "10.0.19045": "windows-kb"}


def test_programs_match_advisories_through_their_cpe(sessions) -> None:  # type: ignore[no-untyped-def]
    programs = [pkg("7-Zip 23.01 (x64)", "23.01", "windows-program"),
                pkg("Mozilla Firefox (x64 en-US)", "124.0.2", "windows-program"),
                pkg("Mozilla Firefox ESR (x64 en-US)", "115.9.1", "windows-program")]
    with sessions.begin() as session:
        report(session, windows("pc", "10.0.19045.4529", programs=programs))
        publish(session,
                advisory("CVE-2024-11477", AffectedItem("generic", "7-zip", "vers:generic/<24.07", "24.07",
                                                        vendor="7-zip", cpe="cpe:2.3:a:7-zip:7-zip:*:*:*:*:*:*:*:*"),
                         source="nvd"),
                advisory("CVE-2024-3852", AffectedItem("generic", "firefox", "vers:generic/<125.0", "125.0",
                                                       vendor="mozilla",
                                                       cpe="cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*"),
                         source="nvd"))
    with sessions() as session:
        names = dict(session.execute(select(Software.name, Software.match_name)).all())
        assert findings(session) == {("pc", "CVE-2024-11477", "7-Zip 23.01 (x64)"),
                                     ("pc", "CVE-2024-3852", "Mozilla Firefox (x64 en-US)")}
    assert names == {"7-Zip 23.01 (x64)": "7-zip:7-zip", "Mozilla Firefox (x64 en-US)": "mozilla:firefox",
                     "Mozilla Firefox ESR (x64 en-US)": "mozilla:firefox_esr"}


def test_letters_naming_a_program_reach_the_same_identity(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, windows("pc", "10.0.19045.4529", programs=[pkg("Google Chrome", "124.0.6367.61",
                                                                       "windows-program")]))
        # A national letter row: display name and vendor, no CPE.
        publish(session, advisory("1501/CATTT", AffectedItem("windows-program", "Google Chrome", vendor="Google",
                                                             fixed_version="124.0.6367.201"), source="warning"))
    with sessions() as session:
        assert findings(session) == {("pc", "1501/CATTT", "Google Chrome")}


def test_an_unidentified_program_is_listed_with_its_reason(sessions) -> None:  # type: ignore[no-untyped-def]
    programs = [pkg("Contoso Quản lý Văn bản 2.1", "2.1", "windows-program"), pkg("UniKey 4.6 RC2", "4.6", "windows-program"),
                pkg("EVKey", "5.2", "windows-program"), pkg("Zalo", "24.4.1", "windows-program")]
    with sessions.begin() as session:
        report(session, windows("a", "10.0.19045.4529", programs=programs))
        report(session, windows("b", "10.0.19045.4529", programs=programs[:1]))
    with sessions() as session:
        rows = [row.as_row() for row in unidentified(session)]
        keys = dict(session.execute(select(Software.name, Software.match_name)).all())
    assert rows == [{"name": "Contoso Quản lý Văn bản 2.1", "version": "2.1", "ecosystem": "windows-program",
                     "match_name": "contoso quản lý văn bản", "hosts": 2,
                     "reason": "no product rule matches 'contoso quan ly van ban'"}]
    # Vietnamese-market software without CPEs is identified all the same.
    assert keys["UniKey 4.6 RC2"] == "unikey:unikey" and keys["EVKey"] == "evkey:evkey" and keys["Zalo"] == "vng:zalo"


def _windows_on(uuid: str, arch: str):  # type: ignore[no-untyped-def]
    import dataclasses

    base = windows(uuid, "10.0.19045.4170")
    return dataclasses.replace(base, os=dataclasses.replace(base.os, arch=arch))


def test_an_update_for_one_architecture_is_one_finding_on_hosts_of_that_architecture(sessions) -> None:  # type: ignore[no-untyped-def]
    # MSRC lists one update per architecture of the same build family.
    items = [AffectedItem("windows-os", "10.0.19045", "vers:windows/<10.0.19045.4529", "10.0.19045.4529",
                          fixed_kbs=("KB5039211",), vendor="microsoft", distro=f"windows-10-22h2-{arch}")
             for arch in ("x64", "x86", "arm64")]
    with sessions.begin() as session:
        hosts = {arch: report(session, _windows_on(f"pc-{arch}", arch))
                 for arch in ("64-bit", "32-bit", "ARM 64-bit Processor", "")}
        publish(session, advisory("CVE-2024-30080", *items, source="msrc"))
    with sessions() as session:
        labels = dict(session.execute(
            select(Finding.host_id, Affected.distro).join(Affected, Affected.id == Finding.affected_id)
        ).all())
        counts = {arch: len(findings(session, host)) for arch, host in hosts.items()}
        assert labels[hosts["64-bit"].id] == "windows-10-22h2-x64"
        assert labels[hosts["32-bit"].id] == "windows-10-22h2-x86"
        assert labels[hosts["ARM 64-bit Processor"].id] == "windows-10-22h2-arm64"
    # Each host is flagged for the update; one that reports no architecture is not spared.
    assert counts == {"64-bit": 1, "32-bit": 1, "ARM 64-bit Processor": 1, "": 1}


def test_a_kb_on_one_host_does_not_close_another_hosts_finding(sessions) -> None:  # type: ignore[no-untyped-def]
    """Refreshing with nothing changed keeps an open Windows finding open: the
    "fixing KB installed?" check is about the finding's own host."""
    with sessions.begin() as session:
        report(session, windows("patched", "10.0.19045.4170", kbs=("KB5035845",)))
        report(session, windows("missing", "10.0.19045.4170", kbs=("KB5035845",)))
        publish(session, advisory("CVE-2024-26234", APRIL, source="msrc"))
    for _ in range(2):  # "patched" installs the fixing KB; then the same reports again
        with sessions.begin() as session:
            report(session, windows("missing", "10.0.19045.4170", kbs=("KB5035845",)))
            report(session, windows("patched", "10.0.19045.4170", kbs=("KB5036892",)))
    with sessions() as session:
        rows = session.execute(select(Finding.host_id, Finding.resolved_at).order_by(Finding.id)).all()
        assert findings(session) == {("missing", "CVE-2024-26234", "OS")}
    # One finding per host: "patched" resolved once, "missing" never closed and reopened.
    assert len(rows) == 2 and sum(1 for r in rows if r.resolved_at is None) == 1
