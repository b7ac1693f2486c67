"""The MSRC feed on real downloads in ../shared/testdata/feeds/msrc."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.feeds.interface import AffectedItem, Advisory, Parsed
from server.feeds.msrc import MsrcFeed, parse_kbs, parse_releases
from server.feeds.msrc.cvrf_xml import read_cvrf_xml
from server.feeds.msrc.feed import to_parsed

CATALOG = "https://catalog.update.microsoft.com/v7/site/Search.aspx?q="


@pytest.fixture(scope="module")
def msrc_dir(shared_dir: Path) -> Path:
    return shared_dir / "feeds" / "msrc"


@pytest.fixture(scope="module")
def june(msrc_dir: Path) -> dict[str, Advisory]:
    started = time.perf_counter()
    (parsed,) = MsrcFeed().parse(msrc_dir / "cvrf" / "cvrfDocument-2024-Jun.xml")
    print(f"\nparsed cvrfDocument-2024-Jun.xml ({len(parsed.advisories)} advisories) "
          f"in {time.perf_counter() - started:.3f} s")
    assert parsed.ok and parsed.problems == []
    return {a.advisory_id: a for a in parsed.advisories}


def _os(family: str, fixed: str, kbs: tuple[str, ...], distro: str, details: str) -> AffectedItem:
    return AffectedItem("windows-os", family, f"vers:windows/<{fixed}", fixed, kbs,
                        vendor="microsoft", distro=distro, fix_url=CATALOG + kbs[0],
                        fix_details=details)


def test_june_counts(june: dict[str, Advisory]) -> None:
    assert len(june) == 97
    assert all(a.source == "msrc" and a.cves == (a.advisory_id,) for a in june.values())
    kinds = Counter(tuple(sorted({i.ecosystem for i in a.affected})) for a in june.values())
    assert kinds == Counter({("windows-program",): 52, ("windows-os",): 35, ("rpm",): 6, (): 3,
                             ("npm", "pypi", "windows-program"): 1})
    # The June 2024 release had no zero-day: the document flags nothing as exploited.
    assert [a.advisory_id for a in june.values() if a.exploited] == []


def test_msmq_windows_items(june: dict[str, Advisory]) -> None:
    adv = june["CVE-2024-30080"]
    assert (adv.title, adv.severity, adv.cvss, adv.revision) == (
        "Microsoft Message Queuing (MSMQ) Remote Code Execution Vulnerability", "critical", 9.8, "1.1")
    items = set(adv.affected)
    assert _os("10.0.19045", "10.0.19045.4529", ("KB5039211",), "windows-10-22h2-x64",
               "Security Update KB5039211") in items
    assert _os("10.0.22631", "10.0.22631.3737", ("KB5039212",), "windows-11-23h2-x64",
               "Security Update KB5039212") in items
    assert _os("10.0.20348", "10.0.20348.2527", ("KB5039227", "KB5039330"), "windows-server-2022",
               "Security Update KB5039227; Security Hotpatch Update KB5039330") in items
    assert _os("6.1.7601", "6.1.7601.27170", ("KB5039289", "KB5039274"),
               "windows-server-2008-r2-sp1-x64",
               "Monthly Rollup KB5039289; Security Only KB5039274") in items
    assert len(adv.affected) == 28  # 36 products, Server Core folded into the full install
    assert {i.ecosystem for i in adv.affected} == {"windows-os"}


def test_office_and_programs(june: dict[str, Advisory]) -> None:
    office = [i for i in june["CVE-2024-30104"].affected if i.fixed_kbs == ("KB5002575",)
              and i.cpe.endswith(":x64:*")]
    assert [replace(i, fix_url="") for i in office] == [AffectedItem(
        "windows-program", "microsoft office 2016", fixed_kbs=("KB5002575",), vendor="microsoft",
        cpe="cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:x64:*",
        needs_review="Microsoft Office 2016 (64-bit edition): FixedBuild 16.0.5452.1000 is not "
                     "the installed program's version; check KB5002575",
        fix_details="Security Update KB5002575")]
    assert office[0].fix_url.startswith("https://www.microsoft.com/downloads/details.aspx?familyid=")
    studio = [(i.product, i.vers_range, i.fixed_version) for i in june["CVE-2024-30052"].affected]
    assert ("microsoft visual studio 2022", "vers:generic/>=17.10|<17.10.2", "17.10.2") in studio
    edge = june["CVE-2024-5493"].affected
    assert [(i.product, i.vers_range) for i in edge] == [
        ("microsoft edge", "vers:generic/<125.0.2535.85")]
    azure = {(i.ecosystem, i.product, i.fixed_version) for i in june["CVE-2024-35255"].affected}
    assert {("pypi", "azure-identity", "1.16.1"), ("npm", "@azure/identity", "4.2.1")} <= azure


def test_june_kbs(msrc_dir: Path) -> None:
    kbs = {k.kb: k for k in parse_kbs(msrc_dir / "cvrf" / "cvrfDocument-2024-Jun.xml")}
    assert kbs["KB5039211"].supersedes == ("KB5037768",)
    assert kbs["KB5039211"].fixed_builds == ("10.0.19044.4529", "10.0.19045.4529")
    assert kbs["KB5039330"].subtype == "Security Hotpatch Update"


def test_sug_pages_merge(msrc_dir: Path) -> None:
    (parsed,) = MsrcFeed().parse(msrc_dir / "sug-api")
    assert isinstance(parsed, Parsed) and parsed.ok and parsed.problems == []
    found = {a.advisory_id: a for a in parsed.advisories}
    assert sorted(found) == ["CVE-2025-21384", "CVE-2025-24066", "CVE-2025-26683"]
    bot = found["CVE-2025-21384"]
    assert (bot.title, bot.severity, bot.cvss, bot.exploited, bot.revision, bot.affected) == (
        "Azure Health Bot Elevation of Privilege Vulnerability", "critical", 8.3, False, "1", ())
    item = AffectedItem("windows-os", "10.0.14393", "vers:windows/<10.0.14393.7876",
                        "10.0.14393.7876", ("KB5053594",), vendor="microsoft",
                        distro="windows-server-2016", fix_url=CATALOG + "KB5053594",
                        fix_details="Security Update KB5053594")
    assert found["CVE-2025-24066"].affected[0] == item
    assert found["CVE-2025-24066"].severity == "high"
    kbs = {k.kb: k for k in parse_kbs(msrc_dir / "sug-api")}
    assert kbs["KB5053594"].supersedes == ("KB5052006",)
    assert kbs["KB3147461"].supersedes == ("KB3140745",)  # from the deployment page
    assert kbs["KB3147461"].products == ("Windows 10 for 32-bit Systems",
                                         "Windows 10 for x64-based Systems")


def test_release_index(msrc_dir: Path) -> None:
    releases = parse_releases(msrc_dir / "cvrf-api" / "updates.json")
    assert [(r.release_id, r.cvrf_url) for r in releases] == [
        ("2016-Apr", "https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/2016-Apr"),
        ("2024-Mar", "https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/2024-Mar")]
    (parsed,) = MsrcFeed().parse(msrc_dir / "cvrf-api" / "updates.json")
    assert parsed.ok and parsed.advisories == [] and not parsed.problems[0].fatal


def test_whole_folder(msrc_dir: Path) -> None:
    results = list(MsrcFeed().parse(msrc_dir))
    assert [len(p.advisories) for p in results] == [97, 0, 3]
    assert all(p.ok for p in results)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(cut=st.floats(0.0, 0.999))
def test_truncated_june_gives_problems(msrc_dir: Path, cut: float) -> None:
    data = (msrc_dir / "cvrf" / "cvrfDocument-2024-Jun.xml").read_bytes()
    parsed = to_parsed(read_cvrf_xml(data[: int(len(data) * cut)], "cut.xml"))
    assert not parsed.ok and parsed.advisories == []
