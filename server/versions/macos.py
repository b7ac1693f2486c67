"""macOS application and system versions (``CFBundleShortVersionString``).

Bundle versions are dotted numbers such as ``14.4.1`` or ``109.0.5414.87``,
sometimes followed by a build or a Rapid Security Response letter in
parentheses: ``14.4.1 (23E224)``, ``13.4.1 (a)``, Safari's
``17.4.1 (19618.1.15.11.14)``. The version part is ordered with the
``generic`` rules (numeric fields, trailing zeros ignored, so ``2.0.0.1`` <
``126.0.1``). The parenthesised part only breaks ties, and a version without
one sorts first: Apple ships a Rapid Security Response as ``13.4.1 (a)``,
``(c)``..., which fixes what plain ``13.4.1`` still has.

# NOTE: the flip side is that ``<=14.4.1`` does not contain
# ``14.4.1 (23E224)``. Inventory rows (osquery's ``apps`` and ``os_version``)
# carry the build in a separate column, so the collector reports bare
# versions and the tie-break only matters for RSR letters.
"""
from __future__ import annotations

import re

from . import generic
from .interface import VersionError, require_str, sign

_BUNDLE = re.compile(r"\s*(?P<version>[^()]*?)\s*(?:\((?P<extra>[^()]*)\))?\s*")
# A version without a parenthesised build sorts before any with one.
_NO_EXTRA: tuple[object, ...] = (0,)


def key(version: str) -> tuple[object, ...]:
    """A sort key: the generic key of the version, then of the build."""
    text = require_str(version)
    match = _BUNDLE.fullmatch(text)
    if match is None or not match["version"]:
        raise VersionError(f"invalid macOS version {text[:80]!r}")
    main = generic.key(match["version"])
    extra = match["extra"]
    if extra is None:
        return (main, _NO_EXTRA)
    if not extra.strip():
        raise VersionError(f"empty build in parentheses in macOS version {text[:80]!r}")
    return (main, (1, generic.key(extra)))


def compare(a: str, b: str) -> int:
    """Compare two macOS bundle or system versions."""
    return sign(key(a), key(b))
