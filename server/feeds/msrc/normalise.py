"""Turn :class:`MsrcVuln` values into normalised advisories.

Rules, per product with a Vendor Fix:

- Windows OS -> ``windows-os`` item: product is the build family taken from
  the FixedBuild, ``vers:windows/<FixedBuild>``, every KB of the product's
  fixes in ``fixed_kbs``. Server Core and full installations collapse into
  one item (same build, same KB).
- CBL-Mariner / Azure Linux packages -> ``rpm`` items for that distro.
- Libraries with a known package name -> ``pypi`` / ``npm`` items.
- Other programs -> ``windows-program`` items; the FixedBuild becomes the
  fixed version when it reads as a version of that program, otherwise the
  item carries ``needs_review`` with what MSRC says.
- Android / iOS products are left out (patchgap does not inventory phones).

A Windows product listed as affected with no fix at all gets an item with
``needs_review`` so the gap is visible.
"""
from __future__ import annotations

import re

from server.ecosystems import WINDOWS_OS
from server.feeds.interface import AffectedItem, Advisory
from server.feeds.msrc import products as names
from server.feeds.msrc.model import MsrcFix, MsrcProduct, MsrcVuln

SEVERITIES = {"critical": "critical", "important": "high", "moderate": "medium", "low": "low"}
_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "": 0}
_WINDOWS_BUILD = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_VERSION = re.compile(r"^\d+(?:\.\d+){1,3}$")
_HOTPATCH = "hotpatch"
GUIDE_URL = "https://msrc.microsoft.com/update-guide/vulnerability/"


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def cvss_severity(score: float | None) -> str:
    """CVSS v3 qualitative band, used when MSRC gives no severity (Mariner, Chrome)."""
    if score is None or score <= 0:
        return ""
    return "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low"


def advisory(vuln: MsrcVuln, products: dict[str, MsrcProduct]) -> Advisory:
    """One :class:`Advisory` for one MSRC vulnerability."""
    severity = max((SEVERITIES.get(s.strip().lower(), "") for s in vuln.severities),
                   key=_RANK.__getitem__, default="")
    cvss = max(vuln.scores, default=None)
    dated = [(date, number) for number, date in vuln.revisions if date is not None]
    latest = max(dated, key=lambda r: (r[0], _numbers(r[1])), default=None)
    is_cve = vuln.vuln_id.upper().startswith("CVE-")
    return Advisory(
        source="msrc",
        advisory_id=vuln.vuln_id,
        title=vuln.title,
        severity=severity or cvss_severity(cvss),
        cvss=cvss,
        cves=(vuln.vuln_id,) if is_cve else (),
        published=min(d for d, _ in dated) if dated else None,
        updated=latest[0] if latest else None,
        revision=latest[1] if latest else "",
        url=GUIDE_URL + vuln.vuln_id,
        exploited=vuln.exploited,
        affected=affected_items(vuln, products),
    )


def affected_items(vuln: MsrcVuln, products: dict[str, MsrcProduct]) -> tuple[AffectedItem, ...]:
    """The affected items of one vulnerability, unique, in document order."""
    by_product: dict[str, list[MsrcFix]] = {}
    for fix in vuln.fixes:
        by_product.setdefault(fix.product_id, []).append(fix)
    for pid in vuln.affected_ids:
        by_product.setdefault(pid, [])
    items: list[AffectedItem] = []
    for pid, fixes in by_product.items():
        product = products.get(pid)
        if product is not None and product.name:
            items.extend(_items(product, fixes))
    return tuple(dict.fromkeys(items))


def _items(product: MsrcProduct, fixes: list[MsrcFix]) -> list[AffectedItem]:
    if names.NOT_INVENTORIED.search(product.name):
        return []
    windows = names.windows_name(product.name)
    if windows is not None:
        return [_windows_item(windows, fixes)]
    if not fixes:
        return []
    distro = names.linux_distro(product.name)
    if distro:
        return [AffectedItem("rpm", f.description, f"vers:rpm/<{f.fixed_build}", f.fixed_build,
                             vendor="microsoft", distro=distro)
                for f in fixes if f.description and f.fixed_build]
    return [_program_item(product, fix) for fix in fixes]


def _windows_item(windows: names.WindowsName, fixes: list[MsrcFix]) -> AffectedItem:
    kbs = tuple(dict.fromkeys(f.kb for f in fixes if f.kb))
    details = "; ".join(dict.fromkeys(f"{f.subtype} {f.kb}".strip() for f in fixes if f.kb))
    builds = [f for f in fixes if _WINDOWS_BUILD.match(f.fixed_build)]
    # NOTE: a hotpatch (Server 2022 Azure Edition) has its own lower UBR; the
    # regular cumulative update defines the range and the hotpatch KB is listed
    # as another fix, so a matcher that checks installed KBs sees it.
    regular = [f for f in builds if _HOTPATCH not in f.subtype.lower()] or builds
    if not regular:
        why = "MSRC lists no fix" if not fixes else "MSRC gives no fixed build"
        action = f"; check {', '.join(kbs)} is installed" if kbs else ""
        return AffectedItem(WINDOWS_OS, windows.family, fixed_kbs=kbs, vendor="microsoft",
                            distro=windows.distro, needs_review=why + action,
                            fix_url=next((f.url for f in fixes if f.url), ""), fix_details=details)
    first = min(regular, key=lambda f: _numbers(f.fixed_build))
    fixed = first.fixed_build
    family = fixed.rsplit(".", 1)[0]  # the FixedBuild wins over the name tables
    return AffectedItem(WINDOWS_OS, family, f"vers:windows/<{fixed}", fixed, kbs,
                        vendor="microsoft", distro=windows.distro, fix_url=first.url,
                        fix_details=details)


def _program_item(product: MsrcProduct, fix: MsrcFix) -> AffectedItem:
    library = names.LIBRARIES.get(product.name)
    ident = names.program_name(product.name)
    build = fix.fixed_build
    kbs = (fix.kb,) if fix.kb else ()
    link = {"fix_url": fix.url, "fix_details": " ".join(
        dict.fromkeys(x for x in (fix.subtype, fix.kb or fix.description) if x))}
    if library and _VERSION.match(build):
        return AffectedItem(library[0], library[1], f"vers:{library[0]}/<{build}", build,
                            vendor="microsoft", **link)
    cpe = product.cpe
    review = ""
    if names.FILE_VERSION_PRODUCTS.match(ident.product):
        review = (f"FixedBuild {build} is not the installed program's version; "
                  f"check {', '.join(kbs) or 'the update'}")
    elif not _VERSION.match(build) or (ident.line and _numbers(build) < _numbers(ident.line)):
        said = dict.fromkeys(x for x in (fix.kb or fix.description, build, fix.url) if x)
        review = "fixed in: " + (", ".join(said) or "no fixed version given")
    if review:
        return AffectedItem("windows-program", ident.product, fixed_kbs=kbs, vendor="microsoft",
                            cpe=cpe, needs_review=f"{product.name}: {review}", **link)
    low = f">={ident.line}|" if ident.line else ""
    return AffectedItem("windows-program", ident.product, f"vers:generic/{low}<{build}", build,
                        kbs, vendor="microsoft", cpe=cpe, **link)
