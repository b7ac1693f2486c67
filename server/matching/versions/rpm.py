"""RPM package versions: ``rpmvercmp`` plus epoch and release.

``rpmvercmp`` walks both strings segment by segment. Anything that is not an
ASCII letter, an ASCII digit, ``~`` or ``^`` only separates segments (so
``1.1.α`` equals ``1.1.β``: non-ASCII letters are separators, a documented
rpm oddity kept on purpose). ``~`` sorts before everything, even the end of
the string (pre-releases); ``^`` sorts after the end of the string but before
any further segment (post-release snapshots). Digit segments compare as
numbers and beat letter segments; letter segments compare as ASCII strings.

Full strings are ``[epoch:]version[-release]`` split as rpm's ``parseEVR``
does: the epoch is a leading run of digits ended by ``:`` (``a:1`` has no
epoch and is compared as a plain version), the release follows the LAST
``-``. Epochs compare as numbers, a missing epoch is 0.

# NOTE: a missing release sorts before any release (``2.2.20`` <
# ``2.2.20-2.el8``), as OSV and Wazuh order them, so the order stays total.
# rpm's own rpmdsCompare instead skips the release when one side lacks it,
# which is range semantics ("any release of 2.2.20"), not an ordering.
"""
from __future__ import annotations

import string
from typing import NamedTuple

from .interface import VersionError, digits_key, require_str, sign

_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_letters)
_KEEP = _DIGITS | _LETTERS | {"~", "^"}


class RpmVersion(NamedTuple):
    """A parsed EVR; ``release`` is ``None`` when the string had no ``-``."""

    epoch: str
    version: str
    release: str | None


def _run(text: str, start: int, chars: frozenset[str]) -> int:
    end = start
    while end < len(text) and text[end] in chars:
        end += 1
    return end


def rpmvercmp(a: str, b: str) -> int:
    """Compare one version (or one release) string the way rpm does."""
    a, b = require_str(a), require_str(b)
    if a == b:
        return 0
    i = j = 0
    while i < len(a) or j < len(b):
        while i < len(a) and a[i] not in _KEEP:
            i += 1
        while j < len(b) and b[j] not in _KEEP:
            j += 1
        ca = a[i] if i < len(a) else ""
        cb = b[j] if j < len(b) else ""
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if ca == "^" or cb == "^":
            # The end of a string sorts below "^", anything else above it.
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (ca and cb):
            break
        kind = _DIGITS if ca in _DIGITS else _LETTERS
        end_a, end_b = _run(a, i, kind), _run(b, j, kind)
        if end_b == j:
            # Segments of different kinds: the numeric one is newer.
            return 1 if kind is _DIGITS else -1
        if kind is _DIGITS:
            result = sign(digits_key(a[i:end_a]), digits_key(b[j:end_b]))
        else:
            result = sign(a[i:end_a], b[j:end_b])
        if result:
            return result
        i, j = end_a, end_b
    if i >= len(a) and j >= len(b):
        return 0
    return 1 if i < len(a) else -1


def parse(evr: str) -> RpmVersion:
    """Split ``[epoch:]version[-release]`` like rpm's ``parseEVR``."""
    text = require_str(evr).strip()
    if not text:
        raise VersionError("RPM version is empty")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise VersionError(f"RPM version {text!r} contains whitespace or control characters")
    digits_end = _run(text, 0, _DIGITS)
    if digits_end < len(text) and text[digits_end] == ":":
        epoch, rest = text[:digits_end] or "0", text[digits_end + 1 :]
    else:
        epoch, rest = "0", text
    version, hyphen, release = rest.rpartition("-")
    if not hyphen:
        return RpmVersion(epoch, rest, None)
    return RpmVersion(epoch, version, release)


def compare(a: str, b: str) -> int:
    """Compare two ``[epoch:]version[-release]`` strings."""
    va, vb = parse(a), parse(b)
    result = sign(digits_key(va.epoch), digits_key(vb.epoch)) or rpmvercmp(va.version, vb.version)
    if result:
        return result
    if va.release is None or vb.release is None:
        return (va.release is not None) - (vb.release is not None)
    return rpmvercmp(va.release, vb.release)
