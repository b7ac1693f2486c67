"""NVD ``configurations`` -> affected items.

Only vulnerable application matches (``cpe:2.3:a:...``) become items: the
operating system itself is matched by the Windows build (MSRC) or the distro
feeds, never by a CPE. An ``AND`` configuration ("running on/with") keeps the
application; its platform is written into ``needs_review`` only when the
application alone would over-match, i.e. when the platforms are operating
systems or hardware and none of them is Windows (patchgap's inventory is
mostly Windows PCs).
"""
from __future__ import annotations

from typing import Any

from server.feeds.interface import AffectedItem
from server.identifiers import Cpe, parse_cpe
from server.identifiers.cpe import COMPONENTS_23
from server.versions.vers import encode

_BOUNDS = (
    ("versionStartIncluding", ">="),
    ("versionStartExcluding", ">"),
    ("versionEndIncluding", "<="),
    ("versionEndExcluding", "<"),
)


def criteria_cpe(text: object) -> Cpe | None:
    """A ``criteria`` CPE as NVD writes it: a 2.3 formatted string with all its
    components; anything else (a 2.2 URI, a cut-short name) is not NVD's and
    is skipped, as it always was."""
    cpe = parse_cpe(text)
    return cpe if cpe and cpe.binding == "2.3" and cpe.written == COMPONENTS_23 else None


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _matches(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [] if node.get("negate") is True else _dicts(node.get("cpeMatch"))


def config_items(configurations: object) -> list[AffectedItem]:
    """Every vulnerable application of every configuration, unique, in order."""
    items: list[AffectedItem] = []
    for config in _dicts(configurations):
        if config.get("negate") is True:
            continue
        matches = [m for node in _dicts(config.get("nodes")) for m in _matches(node)]
        note = ""
        if str(config.get("operator", "OR")).upper() == "AND":
            note = _platform_note([m for m in matches if m.get("vulnerable") is not True])
        for match in matches:
            if match.get("vulnerable") is True:
                item = match_item(match, note)
                if item is not None:
                    items.append(item)
    return list(dict.fromkeys(items))


def _platform_note(platform_matches: list[dict[str, Any]]) -> str:
    platforms = [c for c in (criteria_cpe(m.get("criteria")) for m in platform_matches)
                 if c is not None and c.part in ("o", "h")]
    if not platforms or any(_is_windows(c) for c in platforms):
        return ""
    names = dict.fromkeys(f"{c.vendor} {c.product}" + ("" if c.any_version or c.no_version
                                                        else f" {c.version}") for c in platforms)
    return "affected only when running on: " + ", ".join(names)


def _is_windows(cpe: Cpe) -> bool:
    return cpe.vendor == "microsoft" and cpe.product.startswith("windows")


def match_item(match: dict[str, Any], platform_note: str = "") -> AffectedItem | None:
    """One vulnerable ``cpeMatch`` -> a ``generic`` item; non-applications -> ``None``."""
    criteria = match.get("criteria")
    cpe = criteria_cpe(criteria)
    if cpe is None or cpe.part != "a":
        return None
    constraints = [f"{op}{encode(v.strip())}" for key, op in _BOUNDS
                   if isinstance(v := match.get(key), str) and v.strip()]
    notes = [platform_note] if platform_note else []
    fixed = match.get("versionEndExcluding")
    fixed = fixed.strip() if isinstance(fixed, str) else ""
    if constraints:
        vers = "vers:generic/" + "|".join(constraints)
    elif cpe.no_version:
        vers = ""
        notes.append("NVD names no version ('-')")
    elif cpe.any_version:
        vers = "vers:generic/*"
    else:
        vers = f"vers:generic/{encode(cpe.version)}"
    if cpe.update not in ("*", "-", ""):
        notes.append(f"only update {cpe.update}")
    return AffectedItem(
        ecosystem="generic",
        product=cpe.product,
        vers_range=vers,
        fixed_version=fixed,
        vendor=cpe.vendor,
        cpe=str(criteria),
        needs_review="; ".join(notes),
    )
