"""The MSRC feed on the project's own hand-written CVRF subset (2024-May shape)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.feeds.interface import AffectedItem, FeedError, Parsed, Problem
from server.feeds.msrc import MsrcFeed, MsrcKb, parse_kbs

UTC = dt.timezone.utc
CATALOG = "https://catalog.update.microsoft.com/v7/site/Search.aspx?q="


@pytest.fixture(scope="module")
def xml_doc(fixtures_dir: Path) -> Parsed:
    (parsed,) = MsrcFeed().parse(fixtures_dir / "msrc" / "cvrf-2024-May-subset.xml")
    return parsed


def _by_id(parsed: Parsed) -> dict:
    return {a.advisory_id: a for a in parsed.advisories}


def test_document_parses_with_one_warning(xml_doc: Parsed) -> None:
    assert xml_doc.ok
    assert [a.advisory_id for a in xml_doc.advisories] == [
        "CVE-2024-30051", "CVE-2024-30042", "CVE-2024-4671", "CVE-2024-2961", "ADV990001"]
    assert xml_doc.problems == [Problem(xml_doc.source_file, "Vulnerability without a CVE id: skipped",
                                        path="Vulnerability[5]", fatal=False)]


def test_exploited_windows_cve(xml_doc: Parsed) -> None:
    adv = _by_id(xml_doc)["CVE-2024-30051"]
    assert (adv.source, adv.title, adv.severity, adv.cvss, adv.exploited, adv.cves) == (
        "msrc", "Windows DWM Core Library Elevation of Privilege Vulnerability", "high", 7.8,
        True, ("CVE-2024-30051",))
    assert adv.published == dt.datetime(2024, 5, 14, 7, tzinfo=UTC)
    assert adv.updated == dt.datetime(2024, 5, 16, 7, tzinfo=UTC)
    assert adv.revision == "1.1"
    assert adv.url == "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2024-30051"

    def os_item(family: str, fixed: str, kbs: tuple[str, ...], distro: str, details: str) -> AffectedItem:
        return AffectedItem("windows-os", family, f"vers:windows/<{fixed}", fixed, kbs,
                            vendor="microsoft", distro=distro, fix_url=CATALOG + kbs[0],
                            fix_details=details)

    assert adv.affected == (
        os_item("10.0.19045", "10.0.19045.4412", ("KB5037768",), "windows-10-22h2-x64",
                "Security Update KB5037768"),
        os_item("10.0.19045", "10.0.19045.4412", ("KB5037768",), "windows-10-22h2-x86",
                "Security Update KB5037768"),
        os_item("10.0.22631", "10.0.22631.3593", ("KB5037771",), "windows-11-23h2-x64",
                "Security Update KB5037771"),
        # Server Core collapses into the full installation; the hotpatch is another KB.
        os_item("10.0.20348", "10.0.20348.2461", ("KB5037782", "KB5037848"), "windows-server-2022",
                "Security Update KB5037782; Security Hotpatch Update KB5037848"),
        AffectedItem("windows-os", "6.3.9600", fixed_kbs=("KB5037823",), vendor="microsoft",
                     distro="windows-server-2012-r2",
                     needs_review="MSRC gives no fixed build; check KB5037823 is installed",
                     fix_url=CATALOG + "KB5037823", fix_details="Monthly Rollup KB5037823"),
    )


def test_office_items_need_review(xml_doc: Parsed) -> None:
    adv = _by_id(xml_doc)["CVE-2024-30042"]
    assert (adv.severity, adv.exploited) == ("high", False)  # Important beats Moderate
    msi, c2r = adv.affected
    assert msi == AffectedItem(
        "windows-program", "microsoft office 2016", fixed_kbs=("KB5002587",), vendor="microsoft",
        cpe="cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:x86:*",
        needs_review="Microsoft Office 2016 (32-bit edition): FixedBuild 16.0.5448.1000 is not "
                     "the installed program's version; check KB5002587",
        fix_url=CATALOG + "KB5002587", fix_details="Security Update KB5002587")
    assert (c2r.product, c2r.vers_range, c2r.fixed_version) == (
        "microsoft 365 apps for enterprise", "", "")
    assert c2r.needs_review == ("Microsoft 365 Apps for Enterprise for 32-bit Systems: fixed in: "
                                "Click to Run, https://aka.ms/OfficeSecurityReleases")


def test_edge_android_left_out_and_mariner_rpm(xml_doc: Parsed) -> None:
    adv = _by_id(xml_doc)
    (edge,) = adv["CVE-2024-4671"].affected
    assert (edge.ecosystem, edge.product, edge.vers_range, edge.fixed_version) == (
        "windows-program", "microsoft edge", "vers:generic/<124.0.2478.97", "124.0.2478.97")
    assert adv["CVE-2024-4671"].severity == ""  # no MSRC severity, no CVSS
    mariner = adv["CVE-2024-2961"]
    assert mariner.severity == "high"  # from CVSS 7.3 when MSRC gives no severity word
    assert mariner.affected == (AffectedItem("rpm", "glibc", "vers:rpm/<2.35-7", "2.35-7",
                                             vendor="microsoft", distro="mariner:2"),)


def test_adv_without_fix(xml_doc: Parsed) -> None:
    adv = _by_id(xml_doc)["ADV990001"]
    assert (adv.cves, adv.severity, adv.published) == ((), "critical", None)
    assert adv.affected == (AffectedItem("windows-os", "10.0.22631", vendor="microsoft",
                                         distro="windows-11-23h2-x64",
                                         needs_review="MSRC lists no fix"),)


def test_json_form_reads_like_xml(fixtures_dir: Path, xml_doc: Parsed) -> None:
    (parsed,) = MsrcFeed().parse(fixtures_dir / "msrc" / "cvrf-2024-May-subset.json")
    assert parsed.ok and parsed.problems == []
    (adv,) = parsed.advisories
    from_xml = _by_id(xml_doc)["CVE-2024-30051"]
    assert adv.affected == (from_xml.affected[0], from_xml.affected[3])
    assert (adv.title, adv.severity, adv.cvss, adv.exploited, adv.revision) == (
        from_xml.title, "high", 7.8, True, "1.1")


def test_kb_supersedence(fixtures_dir: Path) -> None:
    kbs = {k.kb: k for k in parse_kbs(fixtures_dir / "msrc" / "cvrf-2024-May-subset.xml")}
    assert kbs["KB5037768"] == MsrcKb(
        "KB5037768", ("KB5036892",),
        ("Windows 10 Version 22H2 for x64-based Systems", "Windows 10 Version 22H2 for 32-bit Systems"),
        ("10.0.19045.4412",), "Security Update", CATALOG + "KB5037768", ("CVE-2024-30051",))
    assert kbs["KB5037823"].supersedes == ("KB5036960", "KB5035885")
    assert "KB5037848" in kbs and kbs["KB5037848"].supersedes == ()
    assert sorted(kbs) == ["KB5002587", "KB5037768", "KB5037771", "KB5037782", "KB5037823",
                           "KB5037848"]


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(FeedError):
        list(MsrcFeed().parse(tmp_path / "missing.xml"))
    bad = tmp_path / "bad.xml"
    bad.write_text("<cvrf:cvrfdoc xmlns:cvrf='http://www.icasi.org/CVRF/schema/cvrf/1.1'>")
    (parsed,) = MsrcFeed().parse(bad)
    assert not parsed.ok and parsed.advisories == []
    assert parsed.problems[0].reason.startswith("not well-formed CVRF XML")
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    (parsed,) = MsrcFeed().parse(other)
    assert parsed.problems == [Problem(str(other), "not an MSRC CVRF document or Security Update "
                                                   "Guide page")]
    with pytest.raises(FeedError):
        parse_kbs(bad)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
                    '<cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1">&a;</cvrfdoc>')
    (parsed,) = MsrcFeed().parse(bomb)
    assert not parsed.ok and "not well-formed CVRF XML" in parsed.problems[0].reason
