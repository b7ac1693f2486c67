"""rpm's ``rpmvercmp`` transcribed as a loop over both strings, the way
rpm's C code walks them: an oracle for the key-based order of
``server.versions.rpm`` (no rpm binary on these machines to ask)."""
from __future__ import annotations

import string

from server.versions.interface import digits_key, sign

_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_letters)
_KEEP = _DIGITS | _LETTERS | {"~", "^"}


def _run(text: str, start: int, chars: frozenset[str]) -> int:
    end = start
    while end < len(text) and text[end] in chars:
        end += 1
    return end


def rpmvercmp(a: str, b: str) -> int:
    """Compare one version (or one release) string the way rpm does."""
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
