"""The distribution a platform product stands for, from its CPE or purl.

CPE names and package URLs are read by :mod:`server.identifiers` (both CPE
bindings: the 2.2 URI ``cpe:/o:redhat:enterprise_linux:9`` and the 2.3
formatted string ``cpe:2.3:o:ciq:rocky_linux_from_ciq:8.3:*:...``); this
module says what they mean for distributions: RHEL streams and minor-release
streams, layered products on RHEL, SLES service packs, purl ``distro=``.
"""
from __future__ import annotations

import re

from server.identifiers import Cpe, Purl, parse_cpe, specific


def named_cpe(text: str) -> Cpe | None:
    """A CPE naming a vendor and a product; None when malformed or when
    either is a logical value (``*``, ``-``): such a name says nothing of
    whose product or which distribution it is."""
    cpe = parse_cpe(text)
    return cpe if cpe and specific(cpe.vendor) and specific(cpe.product) else None


# Red Hat CPE products that are RHEL streams: main, EUS, AUS, TUS, E4S, ELS...
_RHEL = re.compile(r"^(enterprise_linux|rhel_[a-z0-9_]+|enterprise_linux_[a-z0-9_]+)$")
# Streams that keep fixing one minor release ("rhel_eus:9.2", "rhel_e4s:8.2").
_RHEL_MINOR_STREAM = re.compile(r"^rhel_(eus|aus|tus|e4s)(_[a-z0-9_]+)?$")
# Red Hat products that install on RHEL but are not RHEL (layered products).
_RHEL_LAYERED = re.compile(r"^rhel_software_collections$")
# (cpe vendor, cpe product) -> the prefix server.inventory.distro gives hosts (major only)
_DISTROS = {
    ("rocky", "rocky"): "rocky",
    ("rocky", "rocky_linux"): "rocky",
    ("almalinux", "almalinux"): "almalinux",
    ("centos", "centos"): "centos",
    ("fedoraproject", "fedora"): "fedora",
    ("oracle", "linux"): "oracle",
    ("amazon", "linux"): "amazon",
    ("debian", "debian_linux"): "debian",
}
_SLES = re.compile(r"^(sles|sle-module-[a-z0-9-]+|sle_hpc|sles_sap)$")
# Vendors whose distribution products ship RPM packages.
RPM_VENDORS = frozenset(
    {"redhat", "suse", "opensuse", "ciq", "rocky", "almalinux", "centos", "oracle",
     "fedoraproject", "amazon"}
)


def distro_from_cpe(cpe: Cpe) -> str:
    """The ``distro`` an operating-system platform CPE stands for, named as
    ``server.inventory.distro`` names hosts.

    RHEL streams become ``rhel:<major>``; the minor-release streams (EUS,
    AUS, TUS, E4S: ``rhel_eus:9.2``) ``rhel:<major>.<minor>``, which hosts at
    that minor have as their release. SLES and its modules become ``sles:15.4`` (service pack as minor),
    openSUSE Leap ``opensuse:15.5``, Ubuntu ``ubuntu:22.04``, other known
    distributions ``<name>:<major>``. Anything else keeps its CPE fields,
    ``vendor:product:version[:update]`` (``suse:packagehub:12``), so it only
    matches what names exactly that platform.
    """
    version, update = specific(cpe.version), specific(cpe.update)
    if not version:
        return ""
    major = version.split(".")[0]
    if cpe.vendor == "redhat" and _RHEL.match(cpe.product) and not _RHEL_LAYERED.match(cpe.product):
        minor = re.fullmatch(r"(\d+)\.(\d+)", version) if _RHEL_MINOR_STREAM.match(cpe.product) else None
        return f"rhel:{minor[1]}.{int(minor[2])}" if minor else f"rhel:{major}"
    if cpe.vendor == "suse" and _SLES.match(cpe.product):
        pack = re.fullmatch(r"sp(\d+)", update.lower())
        return f"sles:{major}.{pack[1] if pack else 0}"
    if (cpe.vendor, cpe.product) == ("opensuse", "leap"):
        return f"opensuse:{version}"
    if (cpe.vendor, cpe.product) == ("canonical", "ubuntu_linux"):
        return f"ubuntu:{version}"
    name = _DISTROS.get((cpe.vendor, cpe.product))
    if name:
        return f"{name}:{major}"
    tail = f":{update}" if update else ""
    return f"{cpe.vendor}:{cpe.product}:{version}{tail}"


def distro_from_qualifier(purl: Purl) -> str:
    """``distro`` from a purl ``distro=`` qualifier (``debian-12`` -> ``debian:12``)."""
    raw = purl.qualifiers.get("distro", "").strip().lower()
    if not raw:
        return ""
    match = re.fullmatch(r"([a-z][a-z-]*?)-(\d[\w.]*)", raw)
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    return f"{purl.namespace.lower()}:{raw}" if purl.namespace else raw


# A layered product names the RHEL major it is built for in its CPE
# ("cpe:/a:redhat:jboss_enterprise_application_platform:7.4::el8") and its
# name ("... 7.4 for RHEL 8", "... on Red Hat Enterprise Linux 9").
_CPE_EL = re.compile(r"el(\d+)", re.IGNORECASE)
_NAME_RHEL = re.compile(r"\b(?:RHEL|Red Hat Enterprise Linux)[\s-]*(\d+)\b", re.IGNORECASE)
_RELEASE_EL = re.compile(r"[.+]el(\d+)")


def is_rhel_layered(cpe: Cpe) -> bool:
    """A Red Hat product that installs on RHEL without being a RHEL stream
    (JBoss EAP, Satellite, OpenShift, Software Collections...)."""
    return cpe.vendor == "redhat" and not distro_from_cpe(cpe).startswith("rhel:")


def _cpe_el(text: str) -> re.Match[str] | None:
    """The first component that is an ``elN`` tag (edition ``el8`` of a 2.2 URI)."""
    cpe = parse_cpe(text)
    found = (_CPE_EL.fullmatch(value) for value in cpe.components) if cpe else ()
    return next((match for match in found if match), None)


def rhel_major_of_layered(cpe: str, name: str, version: str) -> tuple[str, str]:
    """The distro (``rhel:8``) of a layered product's rpm package, and a note
    when its CPE, its product name and its build's ``.elN`` tag disagree.

    Each says the major where it can; they must agree. When they do not, the
    build's tag wins (it is what installs), then the CPE. When none says,
    the package concerns any RHEL release (``rhel``: Software Collections)."""
    said = {"CPE": _cpe_el(cpe), "product name": _NAME_RHEL.search(name),
            "build tag": _RELEASE_EL.search(version)}
    majors = {source: found.group(1) for source, found in said.items() if found}
    if not majors:
        return "rhel", ""
    chosen = majors.get("build tag") or majors.get("CPE") or majors["product name"]
    if len(set(majors.values())) == 1:
        return f"rhel:{chosen}", ""
    told = ", ".join(f"{source} says RHEL {major}" for source, major in majors.items())
    return f"rhel:{chosen}", f"RHEL release of {name or cpe} is contradictory ({told}): matched as rhel:{chosen}"
