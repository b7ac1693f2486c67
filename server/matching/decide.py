"""Pure decisions: is this installed item (or this OS build) inside this
affected range? No database here, so every rule is testable on plain values.

Each decision records how it was made (matcher, matched on, installed and
fixed versions) so a finding can explain itself.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from server.matching.versions import VersionError, compare, contains

# The version scheme each ecosystem's versions follow.
SCHEME_OF_ECOSYSTEM = {
    "deb": "deb",
    "rpm": "rpm",
    "pypi": "pep440",
    "npm": "semver",
    "windows-program": "generic",
    "chocolatey": "generic",
    "homebrew": "generic",
    "generic": "generic",
    "macos-app": "macos",
    "windows-os": "windows",
}


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


@dataclass(frozen=True)
class Verdict:
    affected: bool
    matcher: str
    matched_on: str
    reason: str


# The Enterprise Linux stream in an rpm release: "27.el9", "12.el8_9", "1.module+el8.9.0+1".
_EL_STREAM = re.compile(r"[.+]el(\d+)")


def el_stream(text: str) -> str:
    """``"el9"`` for ``3.0.7-27.el9``; ``""`` when the version names no EL stream."""
    found = _EL_STREAM.search(text)
    return f"el{found.group(1)}" if found else ""


def item_stream(item: Item) -> str:
    """The EL stream a distro-less rpm item was fixed in (``""``: unknown or not rpm)."""
    if item.ecosystem != "rpm" or item.distro:
        return ""
    return el_stream(item.fixed_version) or el_stream(item.vers_range)


def stream_mismatch(item: Item, installed_version: str, stream: str | None = None) -> str:
    """Why an rpm fix cannot concern this package, or ``""``.

    # NOTE: an item that names no distro still carries its stream in the fixed
    # release (".el8_9"); an el8 build must never decide about an el9 package,
    # whose numbering is unrelated (el8 "1.9.5p2-10.el8" > el9 "1.9.5p2-9.el9")."""
    fixed = item_stream(item) if stream is None else stream
    installed = el_stream(installed_version) if fixed else ""
    if fixed and installed and fixed != installed:
        return f"fix is for {fixed}, installed {installed_version} is {installed}"
    return ""


def package_verdict(item: Item, installed_version: str, matched_on: str) -> Verdict:
    """An installed package or program against one affected item of the same identity."""
    scheme = SCHEME_OF_ECOSYSTEM.get(item.ecosystem, "generic")
    mismatch = stream_mismatch(item, installed_version)
    if mismatch:
        return Verdict(False, scheme, matched_on, mismatch)
    try:
        if item.vers_range:
            inside = contains(item.vers_range, installed_version)
            how = f"{installed_version} {'in' if inside else 'not in'} {item.vers_range}"
        elif item.fixed_version:
            inside = compare(scheme, installed_version, item.fixed_version) < 0
            how = f"{installed_version} {'<' if inside else '>='} {item.fixed_version} ({scheme})"
        else:
            return Verdict(False, scheme, matched_on, "no affected range and no fixed version: needs review")
    except VersionError as exc:
        # Unparsable versions are never guessed into a finding.
        return Verdict(False, scheme, matched_on, f"cannot compare versions: {exc}")
    return Verdict(inside, scheme, matched_on, how)


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


def windows_os_verdict(
    item: Item, os_build: str, installed_kbs: Collection[str], host_arch: str = "", item_label: str = ""
) -> Verdict:
    """A Windows host's build (with UBR) against one update. Cumulative updates
    make supersedence automatic: any later build of the family is fixed."""
    matched_on = f"build family {item.product}"
    if not os_build or build_family(os_build) != item.product:
        return Verdict(False, "windows-os", matched_on, f"host build {os_build or '?'} is not in family {item.product}")
    if not arch_applies(item_label, host_arch):
        return Verdict(False, "windows-os", matched_on,
                       f"update for {item_arch(item_label)}; host is {arch_class(host_arch)} ({host_arch})")
    kbs = [kb for kb in item.fixed_kbs if kb.upper() in installed_kbs]
    if kbs:
        return Verdict(False, "windows-os", matched_on, f"{', '.join(kbs)} installed")
    if item.vers_range or item.fixed_version:
        if os_build.count(".") < 3 and item.fixed_kbs:
            # No UBR reported (osquery before 5.12): only the KBs can tell.
            return Verdict(True, "windows-kb", matched_on, f"UBR unknown; none of {', '.join(item.fixed_kbs)} installed")
        verdict = package_verdict(item, os_build, matched_on)
        return Verdict(verdict.affected, "windows-os", matched_on, verdict.reason)
    if item.fixed_kbs:
        return Verdict(True, "windows-kb", matched_on, f"none of {', '.join(item.fixed_kbs)} installed")
    return Verdict(False, "windows-os", matched_on, "no fixed build and no KB: needs review")
