"""Version ranges, package identities and distributions, piece by piece."""
from __future__ import annotations

import pytest

from server.feeds.csaf.document import exploited
from server.feeds.csaf.identify import identify
from server.feeds.csaf.identity import distro_from_cpe, named_cpe, rhel_major_of_layered
from server.feeds.csaf.product_tree import Product
from server.feeds.csaf.remediation import microsoft_kbs
from server.feeds.csaf.versions import (
    Nevra,
    Range,
    exact_version,
    parse_nevra,
    prose_range,
)
from server.identifiers import Cpe


@pytest.mark.parametrize(("text", "product", "constraints"), [
    ("<= 7.0.6", "", "<=7.0.6"),
    ("< 1.11.00", "", "<1.11.00"),
    ("all versions before 2.3", "", "<2.3"),
    ("All versions < V16", "", "<16"),
    ("prior to 4.2.1", "", "<4.2.1"),
    ("up to and including 3.64", "", "<=3.64"),
    ("2.5 and earlier", "", "<=2.5"),
    ("0 < 8.0.1", "", "<8.0.1"),  # CISA IT advisories
    (">=5.3|<=6.4", "", ">=5.3|<=6.4"),
    ("all versions", "", "*"),
    ("FortiOS/>=7.4.0|<=7.4.7", "FortiOS", ">=7.4.0|<=7.4.7"),
    ("FortiOS/ 7.6 all versions", "FortiOS", ">=7.6|<7.7"),
    ("<=2.x", "", "<3"),
    ("vers:generic/>=1.0|<=2.3", "", ">=1.0|<=2.3"),
])
def test_unambiguous_prose_becomes_vers(text: str, product: str, constraints: str) -> None:
    assert prose_range(text, product).constraints == constraints


@pytest.mark.parametrize(("text", "reason"), [
    ("<= 8.0 SP2 Patch 1", "prose range '<= 8.0 SP2 Patch 1' is not unambiguous"),
    ("All versions < V13 SP2", "prose range 'All versions < V13 SP2' is not unambiguous"),
    ("< 7.101 (only Microsoft Windows versions are affected)",
     "prose range '< 7.101 (only Microsoft Windows versions are affected)' is not unambiguous"),
    ("BIOS < V20.01.10", "prose range 'BIOS < V20.01.10' is not unambiguous"),
    ("7.0.6 and above", "open-ended prose range '7.0.6 and above': vendors often mean "
                        "'within this release line', so it is not converted"),
    ("vers:all/<V8.2 Upd12", "vers range with spaces 'vers:all/<V8.2 Upd12': prose inside vers"),
])
def test_ambiguous_prose_is_kept_for_review(text: str, reason: str) -> None:
    assert prose_range(text) == Range(review=reason)


def test_exact_versions() -> None:
    assert exact_version("12.2(55)SE") == Range("12.2(55)SE")
    assert exact_version("FortiCache/4.2.8", "FortiCache") == Range("4.2.8")
    assert exact_version("Corefix 14").review.startswith("version 'Corefix 14' contains spaces")
    assert exact_version("before 2.0") == Range("<2.0")


def test_nevra() -> None:
    assert parse_nevra("fence-agents-0:4.2.1-41.el8_2.12.src") == Nevra(
        "fence-agents", "0", "4.2.1", "41.el8_2.12", "src")
    telnet = parse_nevra("telnet-1:0.17-65.el7_6.x86_64")
    assert telnet is not None and telnet.evr == "1:0.17-65.el7_6"
    libimlib = parse_nevra("libImlib2-1-1.4.5-5.1.aarch64")
    assert libimlib is not None and (libimlib.name, libimlib.evr) == ("libImlib2-1", "1.4.5-5.1")
    assert parse_nevra("libtiff") is None


def test_cpe_and_distro() -> None:
    appstream = named_cpe("cpe:/a:redhat:enterprise_linux:9::appstream")
    assert appstream is not None and distro_from_cpe(appstream) == "rhel:9"
    ciq = named_cpe("cpe:2.3:o:ciq:rocky_linux_from_ciq:8.3:*:*:*:*:*:*:*")
    assert ciq is not None and (ciq.vendor, ciq.product, ciq.version) == ("ciq", "rocky_linux_from_ciq", "8.3")
    assert distro_from_cpe(Cpe("o", "redhat", "enterprise_linux", "9")) == "rhel:9"
    # Minor-release streams keep their minor (hosts at 8.2 have release "rhel:8.2").
    assert distro_from_cpe(Cpe("a", "redhat", "rhel_aus", "8.2")) == "rhel:8.2"
    assert distro_from_cpe(named_cpe("cpe:/a:redhat:rhel_eus:9.2::appstream")) == "rhel:9.2"  # type: ignore[arg-type]
    assert distro_from_cpe(Cpe("a", "redhat", "rhel_e4s", "8.10")) == "rhel:8.10"
    assert distro_from_cpe(Cpe("a", "redhat", "rhel_tus", "8.2")) == "rhel:8.2"
    assert distro_from_cpe(Cpe("o", "redhat", "rhel_els", "7")) == "rhel:7"  # the whole major
    assert distro_from_cpe(Cpe("o", "suse", "sles", "15", "sp4")) == "sles:15.4"
    assert distro_from_cpe(Cpe("o", "suse", "sle-module-basesystem", "15", "sp5")) == "sles:15.5"
    assert distro_from_cpe(Cpe("o", "suse", "packagehub", "12")) == "suse:packagehub:12"
    assert distro_from_cpe(Cpe("o", "opensuse", "leap", "15.5")) == "opensuse:15.5"
    assert distro_from_cpe(Cpe("o", "oracle", "linux", "9")) == "oracle:9"
    assert distro_from_cpe(Cpe("o", "debian", "debian_linux", "12")) == "debian:12"
    assert distro_from_cpe(ciq) == "ciq:rocky_linux_from_ciq:8.3"
    assert distro_from_cpe(Cpe("o", "redhat", "enterprise_linux")) == ""  # no version: no release
    assert named_cpe("cpe:/x:foo") is None
    # A name whose vendor or product is a logical value says whose nothing is.
    assert named_cpe("cpe:2.3:o:*:linux:9:*:*:*:*:*:*:*") is None
    assert named_cpe("cpe:/o:redhat:-:9") is None
    assert named_cpe("cpe:/o::enterprise_linux:9") is None


def test_layered_product_major_from_cpe_edition() -> None:
    eap = "cpe:/a:redhat:jboss_enterprise_application_platform:7.4::el8"
    assert rhel_major_of_layered(eap, "", "") == ("rhel:8", "")
    assert rhel_major_of_layered(eap.upper(), "", "") == ("rhel:8", "")
    # "el8eap" is a build tag's tail, not a RHEL major of the CPE.
    assert rhel_major_of_layered("cpe:/a:redhat:jboss_core_services:1::el8eap", "", "") == ("rhel", "")
    major, note = rhel_major_of_layered(eap, "JBoss EAP 7.4 for RHEL 9", "")
    assert major == "rhel:8" and "CPE says RHEL 8, product name says RHEL 9" in note


def test_kb_only_in_microsoft_context() -> None:
    catalog = "https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB5053598"
    assert microsoft_kbs("5053598", catalog, microsoft_publisher=True) == ["KB5053598"]
    assert microsoft_kbs("", catalog, microsoft_publisher=False) == ["KB5053598"]
    # Siemens, Rockwell...: their own knowledge base
    assert microsoft_kbs("See KB 1234567 for details", "https://support.example.com/kb/1234567",
                         microsoft_publisher=False) == []
    assert microsoft_kbs("1.3.195.45:Security Update:https://docs.microsoft.com/x", "",
                         microsoft_publisher=True) == []


@pytest.mark.parametrize(("product", "expected"), [
    (Product("1", vendor="Microsoft", product_name="Windows Server 2022", version_range="<10.0.20348.3207"),
     ("windows-os", "10.0.20348", "<10.0.20348.3207")),
    (Product("2", cpe="cpe:/o:microsoft:windows_10:1809"),  # no build number: not matchable as the OS
     ("generic", "windows_10", "")),
    (Product("3", vendor="Microsoft", product_name="Microsoft Office LTSC 2021", version="16.0.14332.20812"),
     ("windows-program", "Microsoft Office LTSC 2021", "")),
    (Product("4", vendor="Microsoft", product_name="Microsoft Teams for Android", version_range="<1.0.0.2025"),
     ("generic", "Microsoft Teams for Android", "<1.0.0.2025")),
    (Product("5", vendor="Microsoft Corporation", product_name="Microsoft Visual Studio 2022", version="17.8"),
     ("windows-program", "Microsoft Visual Studio 2022", "")),
    (Product("6", vendor="Siemens", product_name="Windows 10 HMI panel", version="10.0.19045.1"),
     ("generic", "Windows 10 HMI panel", "")),
])
def test_microsoft_products_are_classified_conservatively(product: Product, expected: tuple[str, str, str]) -> None:
    ident = identify(product)
    assert (ident.ecosystem, ident.product, ident.version_range) == expected


def test_distribution_packages_need_a_known_platform() -> None:
    platform = Product("P", name="Example Appliance OS 3")
    package = Product("C", arch="x86_64", version="openssl-3.0.7-1.el9.x86_64", vendor="Red Hat")
    composed = Product("P:C", component=package, platform=platform)
    assert identify(composed).review == ("rpm package on platform 'Example Appliance OS 3' "
                                         "whose release is unknown")
    rhel = Product("R", cpe="cpe:/o:redhat:enterprise_linux:9")
    ident = identify(Product("R:C", component=package, platform=rhel))
    assert (ident.ecosystem, ident.product, ident.version, ident.distro) == ("rpm", "openssl", "3.0.7-1.el9", "rhel:9")


@pytest.mark.parametrize(("details", "expected"), [
    ("Exploitation detected", True),
    ("Exploitation detected; no patch is available yet", True),
    ("CISA is aware of active exploitation of this vulnerability.", True),
    ("No exploitation detected", False),
    ("This vulnerability is not known to be exploited.", False),
    ("Publicly Disclosed:No;Exploited:No;Latest Software Release:Exploitation Detected", False),
    ("Publicly Disclosed:No;Exploited:Yes;Latest Software Release:Exploitation Detected", True),
    ("Exploitation More Likely", False),
])
def test_exploit_status(details: str, expected: bool) -> None:
    vulns = [{"threats": [{"category": "impact", "details": "Exploitation detected"},
                          {"category": "exploit_status", "details": details}]}]
    assert exploited(vulns) is expected


@pytest.mark.parametrize(("text", "constraints", "scheme"), [
    ("vers:rpm/<1.2-3|", "<1.2-3", "rpm"),  # empty constraints dropped, as always
    ("VERS:Generic/>=1.0||<2.0", ">=1.0|<2.0", "generic"),
    ("vers:npm/*", "*", "npm"),
    ("vers:generic/%3C1.0%25", "%3C1.0%25", "generic"),
])
def test_vers_read_by_the_matchers_parser(text: str, constraints: str, scheme: str) -> None:
    assert prose_range(text) == Range(constraints, scheme=scheme)


@pytest.mark.parametrize(("text", "why"), [
    ("vers:rpm/=1.2", "equality is a bare version"),  # the matcher would never read it
    ("vers:rpm/<1.2|*", "'*' must be the only constraint"),
    ("vers:rpm/<1.0%2", "invalid percent-encoding"),
    ("vers:generic/<1.0α", "non-ASCII"),
    ("vers:rpm/", "constraints are empty"),
    ("vers:/<1.0", "without a valid type"),
])
def test_vers_the_matcher_cannot_read_is_reviewed(text: str, why: str) -> None:
    found = prose_range(text)
    assert not found.constraints and found.review.startswith(f"malformed vers range {text!r}: ") and why in found.review
