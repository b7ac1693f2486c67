"""Sort keys for versions, so a matching run parses each version once.

``server.matching.versions`` answers ``compare(scheme, a, b)``: exact, but it
re-parses both strings on every call. Matching a fleet compares the same few
thousand versions millions of times, so a run turns each version into a key
once (cached) and compares keys. For every scheme, ``sign(key(a), key(b)) ==
compare(scheme, a, b)``; ``tests/matching/test_keys.py`` checks that property
against the comparators on generated and real versions.

Schemes whose module already has a key (``generic``, ``windows``, ``semver``,
``macos``, ``pep440`` with PyPI's legacy versions) use it. ``deb`` and ``rpm``
only offer ``compare``; their keys follow the same published rules (dpkg's
``verrevcmp``, rpm's ``rpmvercmp``) and reuse those modules' parsers.
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable, Hashable
from functools import lru_cache

from server.matching.versions import VersionError, comparator_for, deb, generic, macos, pep440, rpm, semver, windows
from server.matching.versions.interface import digits_key

KeyFn = Callable[[str], Hashable]

_LETTERS = frozenset(string.ascii_letters)
_DEB_RUN = re.compile(r"([^0-9]*)([0-9]*)")
# dpkg compares past the end of the shorter string as if it went on with empty
# runs: "no characters, number 0".
_DEB_EMPTY = ((0,), (0, ""))


def _deb_weight(char: str) -> int:
    if char == "~":
        return -1
    if char in _LETTERS:
        return ord(char)
    return ord(char) + 256


# NOTE: versions of a fleet share few fragments (the bench's 18k deb versions
# have 4.7k distinct upstream and revision parts, its 13k rpm ones 1.7k); keys
# are immutable tuples, so each fragment is worked out once per process.
@lru_cache(maxsize=65536)
def _deb_fragment(fragment: str) -> tuple[object, ...]:
    runs = [
        (tuple(_deb_weight(c) for c in letters) + (0,), digits_key(digits))
        for letters, digits in _DEB_RUN.findall(fragment)
        if letters or digits
    ]
    while runs and runs[-1] == _DEB_EMPTY:
        runs.pop()
    # NOTE: two padding runs stand for dpkg's endless padding: only a first run
    # can equal it ("0.1"), so a difference always shows by the second one.
    return (*runs, _DEB_EMPTY, _DEB_EMPTY)


def deb_key(version: str) -> Hashable:
    """Key of a Debian version (dpkg order)."""
    parsed = deb.parse(version)
    return (parsed.epoch, _deb_fragment(parsed.upstream), _deb_fragment(parsed.revision))


# rpmvercmp token ranks at one position: "~" < end of string < "^" < letters < digits.
_TILDE, _END, _CARET, _ALPHA, _NUM = 0, 1, 2, 3, 4
_RPM_TOKEN = re.compile(r"(~)|(\^)|([0-9]+)|([A-Za-z]+)")


@lru_cache(maxsize=65536)
def _rpm_segments(text: str) -> tuple[tuple[object, ...], ...]:
    tokens: list[tuple[object, ...]] = []
    for tilde, caret, digits, letters in _RPM_TOKEN.findall(text):
        if tilde:
            tokens.append((_TILDE,))
        elif caret:
            tokens.append((_CARET,))
        elif digits:
            tokens.append((_NUM, digits_key(digits)))
        else:
            tokens.append((_ALPHA, letters))
    return (*tokens, (_END,))


def rpm_key(evr: str) -> Hashable:
    """Key of an RPM ``[epoch:]version[-release]`` (rpm order, missing release first)."""
    parsed = rpm.parse(evr)
    release = (0,) if parsed.release is None else (1, _rpm_segments(parsed.release))
    return (digits_key(parsed.epoch), _rpm_segments(parsed.version), release)


KEYS: dict[str, KeyFn] = {
    "deb": deb_key,
    "rpm": rpm_key,
    "pep440": pep440.key,
    "pypi": pep440.key,
    "semver": semver.key,
    "npm": semver.key,
    "windows": windows.key,
    "generic": generic.key,
    "macos": macos.key,
}


def key_function(scheme: str) -> KeyFn:
    """The key function of a scheme or vers type (``VersionError`` if unknown)."""
    comparator_for(scheme)  # the same error message for unknown schemes
    return KEYS[scheme.strip().lower()]


class KeyCache:
    """Keys of one matching run: each (scheme, version) is parsed once.

    An unparsable version is remembered as ``None`` so it is not retried."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], Hashable | None] = {}
        self._functions: dict[str, KeyFn] = {}  # scheme names are checked once per run

    def key(self, scheme: str, version: str) -> Hashable | None:
        found = self._keys.get((scheme, version), self)
        if found is not self:
            return found  # type: ignore[return-value]
        try:
            function = self._functions.get(scheme)
            if function is None:
                function = self._functions[scheme] = key_function(scheme)
            value: Hashable | None = function(version)
        except VersionError:
            value = None
        self._keys[(scheme, version)] = value
        return value
