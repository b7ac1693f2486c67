"""Every real CSAF document in ../shared/testdata/feeds/csaf, and spot checks of
exactly what several vendors' documents normalise to."""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from server.feeds.csaf import CsafFeed, classify
from server.feeds.interface import Advisory, AffectedItem, Parsed, Problem

UTC = dt.timezone.utc
# Distribution files that sit beside documents: recognised and passed over.
DISTRIBUTION_FILES = {
    "cisa-provider-it/white/cisa-csaf-it-feed-tlp-white.json": "rolie-feed",
    "oasis-distribution-examples/ROLIE/example-01-category.json": "rolie-category",
    "oasis-distribution-examples/ROLIE/example-01-feed-tlp-white.json": "rolie-feed",
    "oasis-distribution-examples/ROLIE/example-01-service.json": "rolie-service",
    "oasis-distribution-examples/ROLIE/example-02-service.json": "rolie-service",
    "oasis-distribution-examples/aggregator/example-01-aggregator.json": "aggregator",
    "oasis-distribution-examples/aggregator/example-02-aggregator.json": "aggregator",
    "oasis-distribution-examples/aggregator/example-03-aggregator.json": "aggregator",
    "oasis-distribution-examples/provider-metadata/example-01-provider-metadata.json": "provider-metadata",
}
# Real documents too broken to use, and why: none in the current set (they are
# all read, with warnings where they break the standard; see Fortinet below).
UNUSABLE: dict[str, str] = {}


@pytest.fixture(scope="module")
def csaf_dir(shared_dir: Path) -> Path:
    return shared_dir / "feeds" / "csaf"


@pytest.fixture(scope="module")
def parsed_all(csaf_dir: Path) -> dict[str, Parsed]:
    return {str(Path(p.source_file).relative_to(csaf_dir)): p for p in CsafFeed().parse(csaf_dir)}


def test_timing_of_the_whole_set(csaf_dir: Path, shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not an assertion: how long the whole shared set takes, plain and schema-validated."""
    start = time.perf_counter()
    plain = list(CsafFeed().parse(csaf_dir))
    middle = time.perf_counter()
    checked = list(CsafFeed(schema_dir=shared_dir / "feeds" / "schemas").parse(csaf_dir))
    end = time.perf_counter()
    size = sum(p.stat().st_size for p in csaf_dir.rglob("*.json")) / 1e6
    with capsys.disabled():
        print(f"\n[timing] {len(plain)} shared CSAF documents ({size:.1f} MB): parsed in "
              f"{middle - start:.2f} s, parsed + schema-validated in {end - middle:.2f} s "
              f"({len(checked)} documents)")


def _one(parsed_all: dict[str, Parsed], name: str) -> Advisory:
    (advisory,) = parsed_all[name].advisories
    return advisory


def test_every_document_parses(csaf_dir: Path, parsed_all: dict[str, Parsed]) -> None:
    every_json = {str(p.relative_to(csaf_dir)) for p in csaf_dir.rglob("*.json")}
    assert set(parsed_all) == every_json - set(DISTRIBUTION_FILES)
    for name, kind in DISTRIBUTION_FILES.items():
        assert classify(json.loads((csaf_dir / name).read_bytes())) == kind
    fatal = {name: [p.reason for p in parsed.problems if p.fatal] for name, parsed in parsed_all.items()}
    assert {name: reasons[0] for name, reasons in fatal.items() if reasons} == UNUSABLE
    for name, parsed in parsed_all.items():
        assert len(parsed.advisories) == 1, name
        assert parsed.advisories[0].advisory_id, name


def test_counts_of_items_and_reviews(parsed_all: dict[str, Parsed]) -> None:
    total = sum(len(p.advisories[0].affected) for p in parsed_all.values())
    review = sum(1 for p in parsed_all.values() for i in p.advisories[0].affected if i.needs_review)
    assert total > 350 and review < total / 5, (total, review)
    # Every item has either a vers range or a reason to review it, never neither.
    for name, parsed in parsed_all.items():
        for item in parsed.advisories[0].affected:
            assert bool(item.vers_range) != bool(item.needs_review), (name, item)
            assert item.vers_range.startswith("vers:") or not item.vers_range


def test_red_hat_rpm_with_epoch_and_rhel_distro(parsed_all: dict[str, Parsed]) -> None:
    telnet = _one(parsed_all, "oasis-examples/rhsa-2022_0011.json")
    how = ("For details on how to apply this update, which includes the changes described in "
           "this advisory, refer to:\n\nhttps://access.redhat.com/articles/11258")
    assert (telnet.advisory_id, telnet.severity, telnet.cves) == ("RHSA-2022:0011", "high", ("CVE-2020-10188",))
    assert telnet.affected == tuple(
        AffectedItem("rpm", name, "vers:rpm/<1:0.17-65.el7_6", "1:0.17-65.el7_6", vendor="Red Hat",
                     distro="rhel:7.6", fix_url="https://access.redhat.com/errata/RHSA-2022:0011",  # AUS/E4S/TUS 7.6
                     fix_details=how)
        for name in ("telnet", "telnet-debuginfo", "telnet-server"))
    fence = _one(parsed_all, "redhat/rhsa-2023_7435.json")
    assert (fence.revision, fence.cvss, fence.updated) == ("4", 9.1, dt.datetime(2024, 8, 11, 8, 4, 44, tzinfo=UTC))
    assert {(i.ecosystem, i.distro, i.fixed_version, i.vers_range) for i in fence.affected} == {
        ("rpm", "rhel:8.2", "4.2.1-41.el8_2.12", "vers:rpm/<4.2.1-41.el8_2.12")}  # epoch 0 omitted; AUS/E4S/TUS 8.2
    src = next(i for i in fence.affected if i.purl.endswith("arch=src"))
    assert (src.product, src.vendor) == ("fence-agents", "redhat")


def test_red_hat_vex_unfixed_streams(parsed_all: dict[str, Parsed]) -> None:
    vex = _one(parsed_all, "redhat/cve-2023-6228.vex.json")
    got = {(i.product, i.distro, i.vers_range, i.fixed_version) for i in vex.affected}
    # RHEL 8.10 GA and 8.9.0.z are listed unfixed beside 8.10.z's fix, all
    # under CPE enterprise_linux:8 (and 9 likewise): the fix bounds them, so
    # a host that installed it is not flagged by "every version".
    assert got == {
        ("libtiff", "rhel:6", "vers:rpm/*", ""), ("libtiff", "rhel:7", "vers:rpm/*", ""),
        ("compat-libtiff3", "rhel:7", "vers:rpm/*", ""), ("compat-libtiff3", "rhel:8", "vers:rpm/*", ""),
        ("libtiff", "rhel:8", "vers:rpm/<4.0.9-32.el8_10", "4.0.9-32.el8_10"),
        ("libtiff", "rhel:9", "vers:rpm/<4.4.0-12.el9", "4.4.0-12.el9"),
    }


def test_suse(parsed_all: dict[str, Parsed]) -> None:
    suse = _one(parsed_all, "suse/opensuse-su-2016_1623-1.json")
    assert (suse.advisory_id, suse.severity, suse.cvss, suse.cves) == (
        "openSUSE-SU-2016:1623-1", "high", 8.8, ("CVE-2016-1704",))
    assert suse.url == "https://lists.opensuse.org/opensuse-security-announce/2016-06/msg00036.html"
    chromium = next(i for i in suse.affected if i.product == "chromium")
    assert chromium == AffectedItem(
        "rpm", "chromium", "vers:rpm/<51.0.2704.103-85.3", "51.0.2704.103-85.3", vendor="SUSE",
        distro="suse:packagehub:12", fix_details=chromium.fix_details)
    assert len(suse.affected) == 19 and {i.distro for i in suse.affected} == {"suse:packagehub:12"}
    assert _one(parsed_all, "suse/cve-1999-0003.vex.json").affected == ()  # empty product tree


def test_fortinet_ranges_prose_and_broken_ids(csaf_dir: Path, parsed_all: dict[str, Parsed]) -> None:
    name = "fortinet/FG-IR-24-385.json"
    advisory = _one(parsed_all, name)
    assert (advisory.revision, advisory.updated) == ("0", dt.datetime(2026, 1, 14, tzinfo=UTC))  # no zone
    review = ("open-ended prose range '{0}/{1} and above': vendors often mean 'within this release "
              "line', so it is not converted (product '{0}')")
    assert advisory.affected == (
        AffectedItem("generic", "FortiOS", "vers:generic/>=7.4.0|<=7.4.7", vendor="Fortinet"),
        AffectedItem("generic", "FortiOS", "vers:generic/>=7.2.0|<=7.2.11", vendor="Fortinet"),
        AffectedItem("generic", "FortiOS", vendor="Fortinet", needs_review=review.format("FortiOS", "7.0.6")),
        AffectedItem("generic", "FortiProxy", "vers:generic/>=7.6.0|<=7.6.2", vendor="Fortinet"),
        AffectedItem("generic", "FortiProxy", "vers:generic/>=7.4.0|<=7.4.8", vendor="Fortinet"),
        AffectedItem("generic", "FortiProxy", "vers:generic/>=7.2|<7.3", vendor="Fortinet"),
        AffectedItem("generic", "FortiProxy", vendor="Fortinet", needs_review=review.format("FortiProxy", "7.0.5")),
    )
    file, problems = str(csaf_dir / name), parsed_all[name].problems
    assert Problem(file, "undefined product id 'FortiOS-7.4.8': skipped",
                   "$.vulnerabilities[0].product_status.known_not_affected[1]", fatal=False) in problems
    assert Problem(file, "undefined product id 'FortiOS': skipped",
                   "$.vulnerabilities[0].remediations[0].product_ids[0]", fatal=False) in problems


def test_cisco_service_packs(parsed_all: dict[str, Parsed]) -> None:
    cisco = _one(parsed_all, "oasis-examples/cisco-sa-20180328-smi2.json")
    assert (cisco.severity, cisco.cvss, cisco.revision) == ("critical", 9.8, "3.0.0")
    ios, xe = cisco.affected
    assert (ios.ecosystem, ios.vendor, ios.product) == ("generic", "Cisco", "IOS")
    # 259 affected service packs: 180 of IOS, 79 of IOS XE, one exact-version list each
    assert ios.vers_range.startswith("vers:generic/12.2(55)EY|12.2(55)SE|15.0(1)EY|")
    assert ios.vers_range.count("|") + 1 == 180
    assert (xe.product, xe.vers_range.count("|") + 1) == ("Cisco IOS XE Software", 79)


def test_cisa_ics(parsed_all: dict[str, Parsed]) -> None:
    schneider = _one(parsed_all, "cisa-ics/2024/icsa-24-289-02.json")
    assert schneider.affected == (AffectedItem(
        "generic", "Data Center Expert", "vers:generic/<=8.1.1.3", "8.2", vendor="Schneider Electric",
        fix_details="Version 8.2 of EcoStruxure™ IT Data Center Expert\r\nincludes fixes for these "
                    "vulnerabilities and is available\r\nupon request from Schneider Electric’s\r\n"
                    "Customer Care Center."),)
    assert (schneider.cves, schneider.severity) == (("CVE-2024-8531", "CVE-2024-8530"), "high")
    indusoft = _one(parsed_all, "cisa-ics/2017/icsa-17-313-02.json")
    assert [i.needs_review.split(" (")[0] for i in indusoft.affected] == [
        "prose range '<= 8.0 SP2 Patch 1' is not unambiguous"] * 2
    mobotix = _one(parsed_all, "cisa-ics/2024/icsa-24-235-03.json")  # firmware installed_on cameras
    assert [(i.product, i.fixed_version) for i in mobotix.affected] == [
        ("P3 Firmware", "MX-V4.7.2.18"), ("Mx6 Firmware", "MX-V5.2.0.61")]


def test_microsoft(parsed_all: dict[str, Parsed]) -> None:
    edge = _one(parsed_all, "microsoft/msrc_cve-2025-29795.json")
    assert edge == Advisory(
        source="csaf", advisory_id="msrc_CVE-2025-29795",
        title="Microsoft Edge (Chromium-based) Update Elevation of Privilege Vulnerability",
        severity="high", cvss=7.8, cves=("CVE-2025-29795",),
        published=dt.datetime(2025, 3, 11, 7, 0, tzinfo=UTC), updated=dt.datetime(2025, 3, 21, 7, 0, tzinfo=UTC),
        revision="1", url="https://msrc.microsoft.com/update-guide/vulnerability/CVE-2025-29795",
        exploited=False,  # "Exploited:No"
        affected=(AffectedItem(
            "windows-program", "Microsoft Edge Update Setup", "vers:generic/<1.3.195.45", "1.3.195.45",
            vendor="Microsoft", fix_url="https://docs.microsoft.com/en-us/DeployEdge/microsoft-edge-relnotes-security",
            fix_details="1.3.195.45:Security Update:https://docs.microsoft.com/en-us/DeployEdge/"
                        "microsoft-edge-relnotes-security"),),
    )
    ruby = _one(parsed_all, "microsoft/msrc_cve-2025-25186.vex.json")
    assert [(i.ecosystem, i.product, i.distro, i.vers_range, i.fixed_version) for i in ruby.affected] == [
        ("rpm", "ruby", "azurelinux:3", "vers:rpm/<3.3.5-2", "3.3.5-2"),
        ("rpm", "ruby", "azurelinux:3", "vers:rpm/<3.3.5-3", "3.3.5-3"),
    ]


def test_bsi(parsed_all: dict[str, Parsed]) -> None:
    bsi = _one(parsed_all, "oasis-examples/bsi-2022-0001.json")
    assert bsi.affected == (AffectedItem(
        "generic", "cvrf-csaf-converter", "vers:generic/1.0.0-alpha|1.0.0-dev1|1.0.0-dev2|1.0.0-dev3|1.0.0-rc1",
        "1.0.0-rc2", vendor="csaf-tools", cpe="cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha",
        fix_url="https://github.com/csaf-tools/CVRF-CSAF-Converter/releases/tag/1.0.0-rc2",
        fix_details="Update to the latest version of the product. At least version 1.0.0-rc2"),)
    assert bsi.published == dt.datetime(2022, 3, 17, 13, 3, 42, 105000, tzinfo=UTC)


def test_cisa_it_and_vex_examples(parsed_all: dict[str, Parsed]) -> None:
    adminer = _one(parsed_all, "cisa-provider-it/white/2024/va-24-201-01.json")
    assert [(i.product, i.vers_range, i.fixed_version) for i in adminer.affected] == [
        ("AdminerEvo", "vers:generic/4.8.2|4.8.3", "4.8.4"), ("Adminer", "vers:generic/*", "")]
    family_only = _one(parsed_all, "oasis-examples/csaf_vex/2022-evd-uc-09-001.json")
    assert [i.needs_review for i in family_only.affected] == [
        "affected product without version or range (product 'Example Company PROD_BETA')"]
    not_affected = _one(parsed_all, "oasis-examples/csaf_vex/2022-evd-uc-01-na-001.json")
    assert not_affected.affected == ()


def test_schema_validation_of_the_shared_set(csaf_dir: Path, shared_dir: Path) -> None:
    feed = CsafFeed(schema_dir=shared_dir / "feeds" / "schemas")
    schema = {str(Path(p.source_file).relative_to(csaf_dir)): [x for x in p.problems if x.reason.startswith("schema")]
              for p in feed.parse(csaf_dir)}
    invalid = {name for name, problems in schema.items() if problems}
    assert invalid == {"fortinet/FG-IR-17-173.json", "fortinet/FG-IR-24-041.json", "fortinet/FG-IR-24-385.json",
                       "fortinet/FG-IR-25-454.json", "suse/cve-1999-0003.vex.json"}
    first = schema["fortinet/FG-IR-24-385.json"][0]
    assert (first.path, first.fatal) == ("$.product_tree.branches[0].branches[0].category", False)
    assert first.reason.startswith("schema: 'product' is not one of ['architecture'")
    strict = list(CsafFeed(schema_dir=shared_dir / "feeds" / "schemas", strict=True).parse(
        csaf_dir / "suse" / "cve-1999-0003.vex.json"))
    assert [(p.reason, p.path, p.fatal) for p in strict[0].problems] == [
        ("schema: {} should be non-empty", "$.product_tree", True)]
    assert strict[0].advisories == []
