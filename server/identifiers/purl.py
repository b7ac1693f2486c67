"""Package URLs (https://github.com/package-url/purl-spec), read into :class:`Purl`.

Only the parts patchgap uses are kept: type, namespace, name, version and
qualifiers (keys lower-cased, values percent-decoded); the subpath is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

_TYPE = re.compile(r"[a-z][a-z0-9.+-]*")


@dataclass(frozen=True)
class Purl:
    """A parsed package URL."""

    type: str
    name: str
    namespace: str = ""
    version: str = ""
    qualifiers: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


def parse_purl(value: str) -> Purl | None:
    """Parse ``pkg:type/namespace/name@version?qualifiers#subpath``; None if malformed."""
    raw = value.strip()
    if not raw.lower().startswith("pkg:"):
        return None
    rest = raw[4:].lstrip("/")
    rest = rest.split("#", 1)[0]
    rest, _, query = rest.partition("?")
    qualifiers: dict[str, str] = {}
    for pair in query.split("&") if query else []:
        key, _, val = pair.partition("=")
        if key:
            qualifiers[key.lower()] = unquote(val)
    # NOTE: the version follows the LAST "@" (npm scopes begin with "%40").
    path, at, version = rest.rpartition("@")
    if not at:
        path, version = rest, ""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    ptype = parts[0].lower()
    name = unquote(parts[-1])
    namespace = "/".join(unquote(p) for p in parts[1:-1])
    if not _TYPE.fullmatch(ptype) or not name:
        return None
    return Purl(ptype, name, namespace, unquote(version), qualifiers)
