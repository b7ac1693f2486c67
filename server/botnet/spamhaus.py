"""Spamhaus DROP in JSON lines (``drop_v4.json``, ``drop_v6.json``).

One object per line, ``{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}``,
and last a metadata object ``{"type":"metadata","timestamp":...,"size":...,
"records":...,"copyright":...}`` that is skipped. DROP lists networks, not
sightings: entries have no time and no family.
# NOTE: the SBL id is not kept (Entry has no field for it); a report can link
# https://check.spamhaus.org/ with the network instead.
# https://www.spamhaus.org/blocklists/do-not-route-or-peer/
"""
from __future__ import annotations

import json

from server.botnet.model import ListError, ParsedList, RowProblem, build_entry, file_lines, unique

KIND = "spamhaus-drop"


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in file_lines(text)
            if line.strip() and not line.lstrip().startswith(("#", ";"))]


def matches(text: str) -> bool:
    """Whether the text is JSON lines (its first line is a JSON object)."""
    lines = _lines(text[:65536])
    return bool(lines) and lines[0][1].startswith("{")


def parse(text: str, encoding: str) -> ParsedList:
    """Every line's ``cidr``; a file where no object has one is refused."""
    entries, problems = [], []
    keys: set[str] = set()
    with_cidr = 0
    for number, line in _lines(text):
        try:
            item = json.loads(line)
        except ValueError:
            problems.append(RowProblem(number, "not a JSON object"))
            continue
        if not isinstance(item, dict):
            problems.append(RowProblem(number, "not a JSON object"))
            continue
        if item.get("type") == "metadata":
            continue
        keys.update(str(k) for k in item)
        if "cidr" not in item:
            problems.append(RowProblem(number, "no address (no \"cidr\")"))
            continue
        with_cidr += 1
        if not isinstance(item["cidr"], str):
            problems.append(RowProblem(number, f"address {item['cidr']!r} is not an IP address or network"))
            continue
        try:
            entries.append(build_entry(number, item["cidr"]))
        except ValueError as exc:
            problems.append(RowProblem(number, str(exc)))
    if not with_cidr:
        seen = ", ".join(sorted(map(repr, keys))) or "none"
        raise ListError(f"JSON lines without a \"cidr\" address (keys seen: {seen})")
    return ParsedList(KIND, unique(entries), problems, [], encoding)
