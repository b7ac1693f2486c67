"""One OSV ``affected[]`` entry -> :class:`AffectedItem` values.

Shape errors raise :class:`Malformed` (the record is skipped); things patchgap
cannot use (GIT ranges, ecosystems it does not inventory, events closing
nothing) become warnings and the rest of the record is kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.feeds.interface import AffectedItem
from server.feeds.osv import severity, vers
from server.feeds.osv._access import Malformed, obj, opt_list, opt_str, str_list, string
from server.feeds.osv.ecosystems import resolve

_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
_VERSION_RANGES = ("ECOSYSTEM", "SEMVER")


@dataclass
class Entry:
    """What one affected entry yielded."""

    items: list[AffectedItem] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (JSON path, reason)
    ratings: list[str] = field(default_factory=list)  # normalised textual severities
    vectors: list[str] = field(default_factory=list)  # CVSS vectors


def read_severity(value: Any, path: str, entry: Entry) -> None:
    """Collect an OSV ``severity`` array (record or package level) into ``entry``."""
    for i, raw in enumerate(opt_list(value, path)):
        item = obj(raw, f"{path}[{i}]")
        kind = string(item.get("type"), f"{path}[{i}].type")
        score = string(item.get("score"), f"{path}[{i}].score")
        if kind.startswith("CVSS_"):
            entry.vectors.append(score)
        else:
            entry.ratings.append(severity.word(score))


def read_entry(raw: Any, path: str) -> Entry:
    """Normalise ``affected[i]`` found at ``path``."""
    entry = Entry()
    data = obj(raw, path)
    ranges = opt_list(data.get("ranges"), f"{path}.ranges")
    versions = [v for v in str_list(data.get("versions"), f"{path}.versions") if v]
    read_severity(data.get("severity"), f"{path}.severity", entry)
    specific = data.get("ecosystem_specific")
    if isinstance(specific, dict):
        for key in ("ubuntu_priority", "severity"):
            if isinstance(specific.get(key), str):
                entry.ratings.append(severity.word(specific[key]))
    if data.get("package") is None:
        entry.warnings.append((path, "no package (a GIT-only entry); ignored"))
        return entry
    package = obj(data["package"], f"{path}.package")
    osv_ecosystem = string(package.get("ecosystem"), f"{path}.package.ecosystem")
    name = string(package.get("name"), f"{path}.package.name").strip()
    purl = opt_str(package.get("purl"), f"{path}.package.purl")
    if not name:
        raise Malformed(f"{path}.package.name", "empty package name")
    target = resolve(osv_ecosystem, purl)
    if target is None:
        reason = f"ecosystem {osv_ecosystem!r} is not inventoried"
        entry.warnings.append((f"{path}.package.ecosystem", reason))
        return entry

    spans: list[vers.Span] = []
    for j, raw_range in enumerate(ranges):
        range_path = f"{path}.ranges[{j}]"
        rng = obj(raw_range, range_path)
        kind = string(rng.get("type"), f"{range_path}.type")
        events = _events(rng.get("events"), f"{range_path}.events")
        if kind not in _VERSION_RANGES:
            # NOTE: GIT ranges name commits; installed packages only have versions.
            entry.warnings.append((range_path, f"{kind} range ignored (only version ranges are matched)"))
            continue
        found, notes = vers.spans(target.scheme, [e for e in events if e[1]])
        spans.extend(found)
        entry.warnings.extend((range_path, note) for note in notes)
        if any(not version for _, version in events):
            entry.warnings.append((range_path, "event with an empty version ignored"))

    if not spans and versions:
        spans = [vers.enumerated(target.scheme, versions)]
    elif not spans and not ranges:
        entry.warnings.append((path, "no ranges and no versions: every version taken as affected"))
        spans = [vers.every(target.scheme)]
    elif not spans:
        entry.warnings.append((path, "no usable range or version; entry ignored"))
    keep_purl = purl if purl.startswith("pkg:") else ""  # NOTE: SUSE writes "purl:rpm/..."
    entry.items = [
        AffectedItem(
            ecosystem=target.ecosystem,
            product=name,
            vers_range=span.vers,
            fixed_version=span.fixed,
            distro=target.distro,
            purl=keep_purl,
        )
        for span in spans
    ]
    return entry


def _events(value: Any, path: str) -> list[tuple[str, str]]:
    events = []
    for i, raw in enumerate(opt_list(value, path)):
        event = obj(raw, f"{path}[{i}]")
        kinds = [k for k in _EVENT_KINDS if k in event]
        if len(kinds) != 1:
            raise Malformed(f"{path}[{i}]", "an event needs exactly one of " + ", ".join(_EVENT_KINDS))
        events.append((kinds[0], string(event[kinds[0]], f"{path}[{i}].{kinds[0]}").strip()))
    if not events:
        raise Malformed(path, "a range needs at least one event")
    return events
