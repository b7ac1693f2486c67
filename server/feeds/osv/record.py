"""One decoded OSV record -> one :class:`Parsed` holding one :class:`Advisory`.

See https://ossf.github.io/osv-schema/ for the format. A record of the wrong
shape yields a single fatal :class:`Problem` (file, JSON path, reason); parts
patchgap cannot use yield warnings and the rest is kept.
"""
from __future__ import annotations

import json
from typing import Any

from server.feeds.interface import AffectedItem, Advisory, Parsed, Problem
from server.feeds.osv import severity
from server.feeds.osv._access import Malformed, obj, opt_list, opt_str, str_list, string, timestamp
from server.feeds.osv.affected import Entry, read_entry, read_severity

SOURCE = "osv"
_TITLE_MAX = 120


def decode(raw: bytes, source_file: str) -> tuple[Any, Problem | None]:
    """Decode one JSON document; a fatal :class:`Problem` when it is not JSON."""
    try:
        return json.loads(raw), None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        return None, Problem(source_file, f"not JSON: {exc}", "$")


def parse_bytes(raw: bytes, source_file: str) -> Parsed:
    """Decode one JSON document and parse it as an OSV record."""
    data, problem = decode(raw, source_file)
    if problem is not None:
        return Parsed(source_file, problems=[problem])
    return parse_record(data, source_file)


def parse_record(data: Any, source_file: str) -> Parsed:
    """Normalise one decoded OSV record."""
    parsed = Parsed(source_file)
    try:
        advisory, warnings = _advisory(data)
    except Malformed as exc:
        parsed.problems.append(Problem(source_file, exc.reason, exc.path))
        return parsed
    parsed.advisories.append(advisory)
    parsed.problems.extend(Problem(source_file, reason, path, fatal=False) for path, reason in warnings)
    return parsed


def _advisory(raw: Any) -> tuple[Advisory, list[tuple[str, str]]]:
    data = obj(raw, "$")
    advisory_id = string(data.get("id"), "$.id").strip()
    if not advisory_id:
        raise Malformed("$.id", "empty id")
    modified = timestamp(data.get("modified"), "$.modified")
    if modified is None:
        raise Malformed("$.modified", "required field missing")
    published = timestamp(data.get("published"), "$.published")
    withdrawn = timestamp(data.get("withdrawn"), "$.withdrawn") is not None
    summary = opt_str(data.get("summary"), "$.summary").strip()
    details = opt_str(data.get("details"), "$.details")

    ids = [advisory_id]
    for key in ("aliases", "related", "upstream"):
        ids.extend(str_list(data.get(key), f"$.{key}"))
    cves = tuple(dict.fromkeys(i.strip() for i in ids if i.strip().startswith("CVE-")))

    merged = Entry()
    read_severity(data.get("severity"), "$.severity", merged)
    items: list[AffectedItem] = []
    for i, raw_entry in enumerate(opt_list(data.get("affected"), "$.affected")):
        entry = read_entry(raw_entry, f"$.affected[{i}]")
        items.extend(entry.items)
        merged.warnings.extend(entry.warnings)
        merged.ratings.extend(entry.ratings)
        merged.vectors.extend(entry.vectors)

    scores = [s for s in map(severity.cvss3_base, merged.vectors) if s is not None]
    cvss = max(scores) if scores else None
    rating = (
        _database_rating(data.get("database_specific"))
        or severity.highest(*merged.ratings)
        or (severity.bucket(cvss) if cvss is not None else "")
        or severity.from_summary(summary)
    )
    advisory = Advisory(
        source=SOURCE,
        advisory_id=advisory_id,
        title=summary or _first_line(details),
        severity=rating,
        cvss=cvss,
        cves=cves,
        published=published,
        updated=modified,
        revision=modified.isoformat(),
        url=_url(data.get("references"), advisory_id),
        withdrawn=withdrawn,
        affected=tuple(dict.fromkeys(items)),
    )
    return advisory, merged.warnings


def _database_rating(value: Any) -> str:
    # GitHub advisories: {"severity": "MODERATE", ...}
    if isinstance(value, dict) and isinstance(value.get("severity"), str):
        return severity.word(value["severity"])
    return ""


def _url(value: Any, advisory_id: str) -> str:
    """The first ADVISORY reference, else the first WEB one, else osv.dev."""
    refs = []
    for i, raw in enumerate(opt_list(value, "$.references")):
        ref = obj(raw, f"$.references[{i}]")
        kind = opt_str(ref.get("type"), f"$.references[{i}].type")
        refs.append((kind, string(ref.get("url"), f"$.references[{i}].url")))
    for wanted in ("ADVISORY", "WEB"):
        for kind, url in refs:
            if kind == wanted and url.strip():
                return url.strip()
    return f"https://osv.dev/vulnerability/{advisory_id}"


def _first_line(details: str) -> str:
    line = next((ln.strip() for ln in details.splitlines() if ln.strip()), "")
    return line if len(line) <= _TITLE_MAX else line[: _TITLE_MAX - 1].rstrip() + "…"
