"""``product_status`` -> :class:`AffectedItem` values for one advisory.

Statuses of all vulnerabilities are merged: a product affected by any CVE of
the advisory is affected; a ``fixed`` product that no CVE affects is a fix.
Products with the same identity (ecosystem, vendor, product, distro) form a
group: its exact affected versions become one item, each range another, each
paired with the smallest fix above it. A group bounded by nothing but fixes
(distribution advisories; Red Hat VEX streams still unfixed, "every version")
gets ``<fixed`` items.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from server.ecosystems import DISTRO_PACKAGES
from server.feeds.csaf.identify import Identity, identify
from server.feeds.csaf.lenient import Issues, arr, obj
from server.feeds.csaf.product_tree import Product
from server.feeds.csaf.remediation import Fix
from server.feeds.csaf.versions import Range, exact_version, prose_range, version_key
from server.feeds.interface import AffectedItem

AFFECTED = ("known_affected", "first_affected", "last_affected")
FIXED = ("fixed", "first_fixed")
OTHER = ("known_not_affected", "recommended", "under_investigation")
_VERS_SCHEMES = frozenset({"rpm", "deb", "apk", "pypi", "npm", "maven", "nuget", "gem",
                           "golang", "cargo", "composer", "alpine", "conan", "hex", "pub"})


@dataclass
class _Group:
    exact: list[str] = field(default_factory=list)
    exact_pids: list[str] = field(default_factory=list)
    ranges: list[tuple[Range, list[str]]] = field(default_factory=list)
    fixes: dict[str, list[str]] = field(default_factory=dict)  # version -> pids
    reviews: dict[str, list[str]] = field(default_factory=dict)  # reason -> pids


def statuses(vulns: Any, products: dict[str, Product], issues: Issues) -> dict[str, set[str]]:
    """product id -> its statuses across all vulnerabilities (undefined ids warned, skipped)."""
    found: dict[str, set[str]] = {}
    for i, vuln in enumerate(arr(vulns)):
        for status, ids in obj(obj(vuln).get("product_status")).items():
            path = f"$.vulnerabilities[{i}].product_status.{status}"
            if status not in AFFECTED + FIXED + OTHER:
                issues.warn(path, f"unknown product status {status!r}: ignored")
                continue
            for j, pid in enumerate(arr(ids)):
                if not isinstance(pid, str) or pid.strip() not in products:
                    issues.warn(f"{path}[{j}]", f"undefined product id {pid!r}: skipped")
                    continue
                found.setdefault(pid.strip(), set()).add(status)
    return found


def _affected_range(ident: Identity, status: str) -> Range:
    if ident.version_range:
        return prose_range(ident.version_range, ident.product)
    if ident.version:
        named = exact_version(ident.version, ident.product)
        if named.review or status == "known_affected" or any(c in named.constraints for c in "<>|*"):
            return named
        return Range(f"{'<=' if status == 'last_affected' else '>='}{named.constraints}")
    if ident.purl:
        return Range("*")  # a package named without version: every version of it
    return Range(review="affected product without version or range")


def _above(fix: str, constraint: str) -> bool:
    bound = version_key(constraint.lstrip("<>=!"))
    if constraint.startswith("<") and not constraint.startswith("<="):
        return version_key(fix) >= bound  # "<8.0.1" is fixed by 8.0.1 itself
    return version_key(fix) > bound


def _pick_fix(constraints: str, fixes: list[str]) -> str:
    """The smallest fix above every version ``constraints`` names ('' if none)."""
    if constraints == "*" or not fixes:
        return ""
    candidates = [f for f in fixes if all(_above(f, c) for c in constraints.split("|"))]
    return min(candidates, key=version_key) if candidates else ""


def _item(ident: Identity, constraints: str, fixed: str, pids: list[str],
          fixes: dict[str, Fix], scheme: str = "") -> AffectedItem:
    scheme = scheme or (ident.ecosystem if ident.ecosystem in _VERS_SCHEMES else "generic")
    fix = Fix()
    for pid in pids:
        if pid in fixes:
            fix.merge(fixes[pid])
    return AffectedItem(
        ecosystem=ident.ecosystem, product=ident.product, vendor=ident.vendor,
        distro=ident.distro, cpe=ident.cpe, purl=ident.purl,
        vers_range=f"vers:{scheme}/{constraints}" if constraints else "",
        fixed_version=fixed, fixed_kbs=tuple(fix.kbs),
        fix_url=fix.urls[0] if fix.urls else "", fix_details="\n".join(fix.details),
        needs_review=ident.note,
    )


def _sort_into(group: _Group, pid: str, ident: Identity, sts: set[str]) -> None:
    affected = [s for s in AFFECTED if s in sts]
    if ident.review:
        group.reviews.setdefault(ident.review, []).append(pid)
    elif affected:
        rng = _affected_range(ident, affected[0])
        if rng.review:
            group.reviews.setdefault(rng.review, []).append(pid)
        elif rng.scheme or any(c in rng.constraints for c in "<>=!*|"):
            group.ranges.append((rng, [pid]))
        else:
            if rng.constraints not in group.exact:
                group.exact.append(rng.constraints)
            group.exact_pids.append(pid)
    else:
        fixed = exact_version(ident.version) if ident.version else Range()
        if fixed.constraints and fixed.constraints == ident.version:
            group.fixes.setdefault(ident.version, []).append(pid)
        else:
            why = fixed.review or "fixed product without a plain version"
            group.reviews.setdefault(why, []).append(pid)


def affected_items(found: dict[str, set[str]], products: dict[str, Product],
                   fixes: dict[str, Fix], publisher: str) -> tuple[AffectedItem, ...]:
    """The advisory's affected items, in document order, without duplicates."""
    groups: dict[tuple[str, str, str, str], _Group] = {}
    idents: dict[str, Identity] = {}
    for pid, sts in found.items():
        if not any(s in sts for s in AFFECTED + FIXED):
            continue
        idents[pid] = identify(products[pid], publisher)
        _sort_into(groups.setdefault(idents[pid].key, _Group()), pid, idents[pid], sts)
    items: list[AffectedItem] = []
    for group in groups.values():
        used: set[str] = set()
        entries = [(group.exact_pids, Range("|".join(group.exact)))] if group.exact else []
        entries += [(pids, rng) for rng, pids in group.ranges]
        if group.fixes and idents[next(iter(group.fixes.values()))[0]].ecosystem in DISTRO_PACKAGES:
            # NOTE: a distribution package of one release named affected in
            # "every version" beside a fix of that same release (Red Hat VEX
            # lists a GA or older z-stream product unfixed next to the z-stream
            # that fixed it) is affected up to that fix, no further: the
            # "<fix" items say just that. Streams of another minor release
            # are another group ("rhel:8.6"), so they keep their own items.
            entries = [(pids, rng) for pids, rng in entries if rng.constraints != "*"]
        for pids, rng in entries:
            fix = _pick_fix(rng.constraints, list(group.fixes))
            used.add(fix)
            items.append(_item(idents[pids[0]], rng.constraints, fix,
                               pids + group.fixes.get(fix, []), fixes, rng.scheme))
        # Fixes no affected range leads to stand on their own ("<fix") when nothing
        # bounds the group otherwise: distribution advisories list fixed packages
        # only; Red Hat VEX adds "every version" for streams still unfixed.
        # Beside real ranges they are just later releases (Mobotix lists hundreds).
        if all(rng.constraints == "*" for _, rng in entries):
            for version, pids in group.fixes.items():
                if version not in used:
                    items.append(_item(idents[pids[0]], f"<{version}", version, pids, fixes))
        for reason, pids in group.reviews.items():
            name = products[pids[0]].name or pids[0]
            base = _item(idents[pids[0]], "", "", pids, fixes)
            items.append(replace(base, needs_review=f"{reason} (product {name!r})"))
    return tuple(dict.fromkeys(items))
