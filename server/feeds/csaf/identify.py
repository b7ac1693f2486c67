"""Which installed software a resolved :class:`Product` stands for.

In order of trust: a package URL; the MSRC Azure Linux naming; an RPM NEVRA
under an architecture branch of an RPM distribution; a CPE; and last the
branch names (vendor / product name / version). Distribution packages take
their ``distro`` from the platform they are a component of. What cannot be
told apart carries a ``review`` reason instead of a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from server.ecosystems import DISTRO_PACKAGES, WINDOWS_OS
from server.feeds.csaf.identity import (
    RPM_VENDORS,
    distro_from_cpe,
    distro_from_qualifier,
    is_rhel_layered,
    named_cpe,
    rhel_major_of_layered,
)
from server.feeds.csaf.product_tree import Product
from server.feeds.csaf.versions import parse_nevra, rpm_evr
from server.identifiers import parse_purl, specific

_VENDOR_SUFFIX = re.compile(
    r"\s+(psirt|product security(?: incident response)?(?: team)?|security response center)$",
    re.IGNORECASE,
)
_WINDOWS_OS = re.compile(r"(?:microsoft\s+)?windows\s+(\d|server|rt\b|vista|xp)", re.IGNORECASE)
_WINDOWS_BUILD = re.compile(r"(?<![\d.])(10\.0|6\.[0-3])\.(\d{4,5})\.\d+(?![\d.])")
_NOT_WINDOWS = re.compile(
    r"\b(mac|macos|os x|android|ios|iphone|ipad|linux|azure|online|cloud|web)\b", re.IGNORECASE)
# NOTE: MSRC names Azure Linux / CBL-Mariner packages "azl3 ruby 3.3.5-2".
_MSRC_LINUX = re.compile(r"(<=|<)?\s*(azl|cbl)(\d+)\s+(\S+)\s+(\d\S*)")


@dataclass(frozen=True)
class Identity:
    """An affected item's identity plus the raw version text it came with."""

    ecosystem: str
    product: str
    vendor: str = ""
    distro: str = ""
    cpe: str = ""
    purl: str = ""
    version: str = ""  # one version, in the ecosystem's form
    version_range: str = ""  # range text as written (vers or prose)
    review: str = ""  # set when the identity itself is unclear
    note: str = ""  # a doubt worth an admin's look that does not stop matching

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.ecosystem, self.vendor.lower(), self.product, self.distro)


def clean_vendor(name: str) -> str:
    """``Fortinet PSIRT`` -> ``Fortinet``; ``Red Hat Product Security`` -> ``Red Hat``."""
    return _VENDOR_SUFFIX.sub("", name.strip())


def _microsoft(vendor: str, product: str, version_text: str) -> tuple[str, str] | None:
    """(ecosystem, product) for a Microsoft product on Windows, None if unsure."""
    if "microsoft" not in vendor.lower():
        return None
    name = product.replace("_", " ")  # CPE names: windows_10, windows_server_2022
    if _WINDOWS_OS.match(name):
        build = _WINDOWS_BUILD.search(version_text)
        return (WINDOWS_OS, f"{build[1]}.{build[2]}") if build else None
    if _NOT_WINDOWS.search(name):
        return None
    return ("windows-program", product)


def _from_purl(base: Product) -> Identity | None:
    purl = parse_purl(base.purl) if base.purl else None
    if purl is None:
        return None
    if purl.type in ("maven",):
        name = f"{purl.namespace}:{purl.name}" if purl.namespace else purl.name
    elif purl.type in ("npm", "golang", "composer", "swift") and purl.namespace:
        name = f"{purl.namespace}/{purl.name}"
    else:
        name = purl.name
    version = purl.version
    if purl.type == "rpm" and version:
        epoch = purl.qualifiers.get("epoch", "")
        nevra = parse_nevra(base.version) if base.version else None
        if not epoch and nevra and nevra.name == purl.name:
            epoch = nevra.epoch  # NOTE: Red Hat purls omit epoch=0 that the NEVRA shows
        version = rpm_evr(epoch, version, "")
    vendor = purl.namespace if purl.type in ("rpm", "deb", "apk", "generic") else ""
    return Identity(purl.type, name, vendor=vendor, purl=base.purl, cpe=base.cpe,
                    version=version, version_range=base.version_range,
                    distro=distro_from_qualifier(purl))


def _from_msrc_linux(base: Product) -> Identity | None:
    text = base.version_range or base.version
    match = _MSRC_LINUX.fullmatch(text.strip())
    if not match or match[4] != base.product_name:
        return None
    distro = f"azurelinux:{match[3]}" if match[2] == "azl" else f"mariner:{match[3]}"
    version, ranged = (match[5], "") if not match[1] else ("", f"{match[1]}{match[5]}")
    return Identity("rpm", match[4], vendor=clean_vendor(base.vendor), distro=distro,
                    version=version, version_range=ranged)


def _rpm_platform(base: Product, platform: Product | None) -> bool:
    cpe = named_cpe(platform.cpe) if platform and platform.cpe else None
    if cpe:
        return cpe.vendor in RPM_VENDORS
    return clean_vendor(base.vendor).lower().replace(" ", "") in RPM_VENDORS


def _from_nevra(base: Product, platform: Product | None) -> Identity | None:
    nevra = parse_nevra(base.version) if base.arch and base.version else None
    if nevra is None or nevra.arch != base.arch or not _rpm_platform(base, platform):
        return None
    return Identity("rpm", nevra.name, vendor=clean_vendor(base.vendor), version=nevra.evr)


def _from_names(base: Product, publisher: str) -> Identity:
    cpe = named_cpe(base.cpe) if base.cpe else None
    vendor = cpe.vendor if cpe else clean_vendor(base.vendor or publisher)
    product = cpe.product if cpe else (base.product_name or base.family)
    version = (specific(cpe.version) if cpe else "") or base.version
    if not product:
        return Identity("generic", "", vendor=vendor, cpe=base.cpe,
                        review=f"no product name in the tree for {base.name or base.product_id!r}")
    display = base.product_name or base.family or product
    ms = _microsoft(vendor, display, f"{base.version_range} {version}")
    ecosystem, product = ms if ms else ("generic", product)
    return Identity(ecosystem, product, vendor=vendor, cpe=base.cpe, version=version,
                    version_range=base.version_range)


def _platform_distro(platform: Product | None, version: str = "") -> tuple[str, str]:
    """The distro of a platform's packages, and a note when it is in doubt."""
    while platform is not None:
        cpe = named_cpe(platform.cpe) if platform.cpe else None
        if cpe and is_rhel_layered(cpe):
            return rhel_major_of_layered(platform.cpe, platform.name or platform.product_name, version)
        if cpe:
            return distro_from_cpe(cpe), ""
        platform = platform.platform
    return "", ""


def identify(product: Product, publisher: str = "") -> Identity:
    """The identity of ``product``; composed ids use their component's identity."""
    base = product
    while base.component is not None:
        base = base.component
    platform = product.platform
    ident = (_from_purl(base) or _from_msrc_linux(base) or _from_nevra(base, platform)
             or _from_names(base, publisher))
    if ident.ecosystem not in DISTRO_PACKAGES or ident.review:
        return ident
    found, note = _platform_distro(platform, ident.version)
    distro = found or ident.distro
    if platform is not None and not distro:
        return replace(ident, review=f"{ident.ecosystem} package on platform "
                                     f"{platform.name or platform.product_id!r} whose release is unknown")
    return replace(ident, distro=distro, note=note)
