"""Pure decisions: is this installed item (or this OS build) inside this
affected range? No database here, so every rule is testable on plain values.

Each decision records how it was made (matcher, matched on, installed and
fixed versions) so a finding can explain itself.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

from server.distros import is_minor_stream
from server.ecosystems import WINDOWS_OS, scheme_of
from server.identifiers import parse_purl
from server.reports.i18n import Said
from server.versions import VersionError, compare, contains, rpm

@dataclass(frozen=True)
class Item:
    """The parts of an affected item a decision needs."""

    ecosystem: str
    product: str
    vers_range: str = ""
    fixed_version: str = ""
    fixed_kbs: tuple[str, ...] = ()
    needs_review: str = ""
    distro: str = ""
    # The module stream of a modular rpm build ("postgresql:15"), "" for
    # any other item (module_of).
    module: str = ""


@dataclass(frozen=True)
class Verdict:
    affected: bool
    matcher: str
    matched_on: str
    # What ``explain`` says: a catalogue phrase (Said), English as a str.
    reason: str


# The Enterprise Linux stream in an rpm release: "27.el9", "12.el8_9", "1.module+el8.9.0+1".
_EL_STREAM = re.compile(r"[.+]el(\d+)")


def el_stream(text: str) -> str:
    """``"el9"`` for ``3.0.7-27.el9``; ``""`` when the version names no EL stream."""
    found = _EL_STREAM.search(text)
    return f"el{found.group(1)}" if found else ""


# The build stream of a Red Hat layered product in an rpm release: a suffix
# to the EL tag ("1.SP1_redhat_00001.1.el8eap", "1.el8sat", "1.el9ost",
# "1.el8jbcs") or OpenShift's "rhaos" marker ("1.rhaos4.14.el8"). Base RHEL
# builds have none (".el8_6", ".el9", "module+el8.9.0").
_PRODUCT_TAG = re.compile(r"\.el\d+([a-z][a-z0-9]*)|\.(rhaos)\d")


@functools.lru_cache(maxsize=65536)
def rpm_stream(version: str) -> str:
    """``"el8"``, ``"el8/eap"`` (a layered product's build), or ``""`` when
    the version names no EL stream."""
    el = el_stream(version)
    if not el:
        return ""
    tag = _PRODUCT_TAG.search(version)
    return f"{el}/{tag.group(1) or tag.group(2)}" if tag else el


def item_stream(item: Item) -> str:
    """The EL stream an rpm item was fixed in (``""``: unknown or not rpm)."""
    if item.ecosystem != "rpm":
        return ""
    return rpm_stream(item.fixed_version) or rpm_stream(item.vers_range)


def _stream_words(stream: str) -> Said:
    el, _, tag = stream.partition("/")
    return Said("why_product_build", el=el, tag=tag) if tag else Said("why_base_build", el=el)


def _build_stream_mismatch(item: Item, installed_version: str, stream: str | None) -> str:
    """Why an rpm fix of another build stream cannot concern this package, or ``""``.

    # NOTE: an item that names no distro still carries its stream in the fixed
    # release (".el8_9"); an el8 build must never decide about an el9 package,
    # whose numbering is unrelated (el8 "1.9.5p2-10.el8" > el9 "1.9.5p2-9.el9").
    # Where a layered product ships a package under the base OS's name (runc
    # of OpenShift, "1.rhaos4.14.el8"), the fix of the stream the installed
    # build came from decides: never the base fix for a product build, nor
    # the product's fix for a base build, whichever is larger."""
    fixed = item_stream(item) if stream is None else stream
    installed = rpm_stream(installed_version) if fixed else ""
    if not fixed or not installed or fixed == installed:
        return ""
    if item.distro and fixed.partition("/")[2] == installed.partition("/")[2]:
        return ""  # the item's release decides the major (server.distros)
    return Said("why_other_build", fixed=_stream_words(fixed), installed=installed_version,
                have=_stream_words(installed))


def module_of(purl: str) -> str:
    """``"postgresql:15"`` for a Red Hat purl of a modular build (its
    ``rpmmod=name:stream:version:context`` qualifier), else ``""``."""
    if "rpmmod=" not in purl:  # most items: no parsing
        return ""
    parsed = parse_purl(purl)
    name, _, rest = (parsed.qualifiers.get("rpmmod", "") if parsed else "").partition(":")
    stream = rest.partition(":")[0]
    return f"{name}:{stream}" if name and stream else ""


# A module stream named after the version series it ships ("postgresql:13",
# "perl:5.32", "nodejs:18"); streams such as "container-tools:rhel8" or
# "idm:DL1" say nothing about versions.
_SERIES_STREAM = re.compile(r"\d+(?:\.\d+)*")


@functools.lru_cache(maxsize=65536)
def _in_series(evr: str, series: str) -> bool:
    try:
        version = rpm.parse(evr).version
    except VersionError:
        return True  # unparsable: left to the comparison, which never guesses
    return version == series or version.startswith(f"{series}.")


def module_mismatch(item: Item, installed_version: str) -> str:
    """Why a fix of one module stream cannot concern this package, or ``""``.

    # NOTE: one advisory often fixes a package in several module streams
    # (postgresql:13 at 13.11, postgresql:15 at 15.3). A host does not report
    # which stream its package came from (osquery's rpm_packages has no
    # modularity label), so the version series tells: a stream named after a
    # series decides only the packages of that series, and only when its own
    # fix is of that series (a module's other packages, such as pg_repack
    # 1.4.8 in postgresql:15, keep their own numbering and are decided as any
    # package). Without this, a host that installed 13.11 was flagged by
    # the 15.3 fix."""
    _, _, series = item.module.partition(":")
    if not _SERIES_STREAM.fullmatch(series) or not item.fixed_version:
        return ""
    if not _in_series(item.fixed_version, series) or _in_series(installed_version, series):
        return ""
    return Said("why_other_module", module=item.module, installed=installed_version)


def stream_mismatch(item: Item, installed_version: str, stream: str | None = None) -> str:
    """Why an rpm fix cannot concern this package, or ``""``: a fix of another
    build stream (``_build_stream_mismatch``) or of another module stream."""
    return _build_stream_mismatch(item, installed_version, stream) or module_mismatch(item, installed_version)


def package_verdict(item: Item, installed_version: str, matched_on: str) -> Verdict:
    """An installed package or program against one affected item of the same identity."""
    scheme = scheme_of(item.ecosystem)
    mismatch = stream_mismatch(item, installed_version)
    if mismatch:
        return Verdict(False, scheme, matched_on, mismatch)
    try:
        if item.vers_range:
            inside = contains(item.vers_range, installed_version)
            how = Said("why_in_range" if inside else "why_not_in_range", installed=installed_version,
                       range=item.vers_range)
        elif item.fixed_version:
            inside = compare(scheme, installed_version, item.fixed_version) < 0
            how = Said("why_below_fix" if inside else "why_not_below_fix", installed=installed_version,
                       fixed=item.fixed_version, scheme=scheme)
        else:
            return Verdict(False, scheme, matched_on, Said("why_no_range"))
    except VersionError as exc:
        # Unparsable versions are never guessed into a finding.
        return Verdict(False, scheme, matched_on, Said("why_cannot_compare", error=str(exc)))
    return Verdict(inside, scheme, matched_on, how)


def stream_label(distro: str) -> Said | str:
    """The stream an item names, as ``explain`` says it."""
    if is_minor_stream(distro):
        return Said("why_minor_stream", distro=distro)
    return Said("why_mainline", distro=distro) if distro.startswith("rhel:") else ""


def stream_verdict(item_distro: str, host_distro: str, host_release: str, own: Verdict,
                   siblings: Collection[tuple[str, Verdict]]) -> Verdict | None:
    """An item's verdict for a host, given its siblings: the advisory's other
    items of the same package, each with its distro and its verdict on the
    same installed version. ``None``: another item speaks for this host.

    A host at a minor release that an item of the advisory names (``rhel:9.2``)
    is decided by that stream's item, and is fixed by its fix or by the fix
    of the mainline item of its major (``rhel:9``): a host that stays on 9.2
    installs the EUS fix, one that moved on installs mainline's. The mainline
    item then does not speak for it, so one finding names the stream. Hosts at
    another minor are decided by mainline alone.
    (SQL twin: ``server.matching.findings.stream_applies``.)"""
    label = stream_label(item_distro)
    if host_release and item_distro == host_distro and any(d == host_release for d, _ in siblings):
        return None
    if host_release and item_distro == host_release and own.affected:
        fixed = next((v for d, v in siblings if d == host_distro and not v.affected), None)
        if fixed is not None:
            return Verdict(False, own.matcher, own.matched_on,
                           Said("why_fixed_by_stream", stream=label, reason=own.reason,
                                other=stream_label(host_distro), other_reason=fixed.reason))
    return Verdict(own.affected, own.matcher, own.matched_on,
                   Said("why_in_stream", stream=label, reason=own.reason) if label else own.reason)


def build_family(build: str) -> str:
    """``10.0.19045.4291`` -> ``10.0.19045``: builds of one family share cumulative updates."""
    return ".".join(build.split(".")[:3])


# Architecture words as osquery (os_version.arch: "64-bit", "ARM 64-bit
# Processor", "32-bit", "x86_64") and MSRC product labels ("...-x64") spell them.
_ARCH_WORDS = (("arm", "arm64"), ("aarch64", "arm64"), ("x86_64", "x64"), ("amd64", "x64"), ("x64", "x64"),
               ("64", "x64"), ("32", "x86"), ("x86", "x86"), ("i686", "x86"), ("i386", "x86"))


def arch_class(text: str) -> str:
    """``x64``, ``x86``, ``arm64`` or "" (unknown) for an architecture as any
    source writes it."""
    lowered = text.casefold()
    return next((arch for word, arch in _ARCH_WORDS if word in lowered), "")


def item_arch(label: str) -> str:
    """The architecture a ``windows-os`` item's label names in its last part
    (``windows-10-22h2-x64``), or "" when it names none (Server editions)."""
    last = label.rsplit("-", 1)[-1] if "-" in label else ""
    return last if last in ("x64", "x86", "arm64") else ""


def arch_applies(item_label: str, host_arch: str) -> bool:
    """An update for x64 never applies to an ARM64 or 32-bit host of the same
    build family. Unknown on either side: it applies (never miss a fix)."""
    wanted, have = item_arch(item_label), arch_class(host_arch)
    return not wanted or not have or wanted == have


# Which rule decides a Windows build against a ``windows-os`` item on a host
# that has none of the item's fixing KBs (``build_step``).
OTHER_FAMILY = "other family"  # never affected
KB_WITHOUT_UBR = "no UBR: KBs only"  # affected (windows-kb)
FIXED_BUILD = "fixed build"  # affected when the build is inside the item's range
KB_ONLY = "KBs only"  # affected (windows-kb)
NEEDS_REVIEW = "needs review"  # never affected


def build_step(item: Item, build: str) -> str:
    """The one place that says which rule decides a build: the Python verdict
    (``windows_os_verdict``) and the per-build decision of the findings
    refresh (``os_findings.build_matcher``) both follow it."""
    if not build or build_family(build) != item.product:
        return OTHER_FAMILY
    if item.vers_range or item.fixed_version:
        # No UBR reported (osquery before 5.12): only the KBs can tell.
        return KB_WITHOUT_UBR if build.count(".") < 3 and item.fixed_kbs else FIXED_BUILD
    return KB_ONLY if item.fixed_kbs else NEEDS_REVIEW


def windows_os_verdict(
    item: Item, os_build: str, installed_kbs: Collection[str], host_arch: str = "", item_label: str = ""
) -> Verdict:
    """A Windows host's build (with UBR) against one update. Cumulative updates
    make supersedence automatic: any later build of the family is fixed."""
    matched_on = f"build family {item.product}"
    step = build_step(item, os_build)
    if step == OTHER_FAMILY:
        return Verdict(False, WINDOWS_OS, matched_on, Said("why_other_family", build=os_build or "?",
                                                           family=item.product))
    if not arch_applies(item_label, host_arch):
        return Verdict(False, WINDOWS_OS, matched_on,
                       Said("why_other_arch", arch=item_arch(item_label), host_class=arch_class(host_arch),
                            host_arch=host_arch))
    kbs = [kb for kb in item.fixed_kbs if kb.upper() in installed_kbs]
    if kbs:
        return Verdict(False, WINDOWS_OS, matched_on, Said("why_kb_installed", kbs=", ".join(kbs)))
    if step == KB_WITHOUT_UBR:
        return Verdict(True, "windows-kb", matched_on, Said("why_no_ubr", kbs=", ".join(item.fixed_kbs)))
    if step == FIXED_BUILD:
        verdict = package_verdict(item, os_build, matched_on)
        return Verdict(verdict.affected, WINDOWS_OS, matched_on, verdict.reason)
    if step == KB_ONLY:
        return Verdict(True, "windows-kb", matched_on, Said("why_no_kb", kbs=", ".join(item.fixed_kbs)))
    return Verdict(False, WINDOWS_OS, matched_on, Said("why_no_fix_no_kb"))
