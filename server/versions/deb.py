"""Debian package versions, ordered the way dpkg orders them.

A version is ``[epoch:]upstream_version[-debian_revision]`` (Debian Policy
5.6.12). The epoch is compared as an integer; upstream and revision are each
compared with dpkg's ``verrevcmp``: alternate non-digit and digit runs, where
non-digit runs compare character by character with ``~`` before the end of
the run, the end before letters, and letters before every other character,
and digit runs compare as numbers. A missing revision equals ``0``.

Parsing follows dpkg's ``parseversion``: what dpkg rejects (empty parts, a
non-numeric or too large epoch, embedded spaces) raises ``VersionError``;
what dpkg only warns about (an upstream version not starting with a digit,
characters outside the policy set) is accepted and compared, because dpkg
itself installs and compares such packages. Non-ASCII text is refused: dpkg's
order for those bytes depends on the C compiler's ``char`` signedness.
"""
from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import NamedTuple

from .interface import VersionError, digits_key, require_str, sign

# dpkg stores the epoch in an int and refuses anything above INT_MAX.
_EPOCH_MAX = 2**31 - 1
_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_letters)
# C's isspace() in the "C" locale, which is what dpkg strips and refuses.
_C_SPACE = " \t\n\v\f\r"

# dpkg keeps comparing past the end of the shorter string as if it went on
# with empty runs, so a missing run is "no characters, number 0".
_EMPTY_RUN = ((0,), (0, ""))
_RUN = re.compile(r"([^0-9]*)([0-9]*)")


class DebVersion(NamedTuple):
    """A parsed Debian version; ``revision`` is ``""`` when absent."""

    epoch: int
    upstream: str
    revision: str


def _order(char: str) -> int:
    """dpkg's weight of one non-digit character."""
    if char == "~":
        return -1
    if char in _LETTERS:
        return ord(char)
    return ord(char) + 256


# NOTE: a fleet's versions share few fragments (upstream parts and revisions
# repeat across hosts and releases), and keys are immutable, so each fragment
# is worked out once per process.
@lru_cache(maxsize=65536)
def fragment_key(fragment: str) -> tuple[object, ...]:
    """The sort key of an upstream version or a revision in dpkg's
    ``verrevcmp`` order: its runs of (non-digit weights, digit value)."""
    runs = [
        (tuple(_order(c) for c in letters) + (0,), digits_key(digits))
        for letters, digits in _RUN.findall(fragment)
        if letters or digits
    ]
    while runs and runs[-1] == _EMPTY_RUN:
        runs.pop()
    # NOTE: two padding runs stand for dpkg's endless padding: only a first run
    # can equal it ("0.1"), so a difference always shows by the second one.
    return (*runs, _EMPTY_RUN, _EMPTY_RUN)


def verrevcmp(a: str, b: str) -> int:
    """Compare two upstream versions or two revisions the way dpkg does.

    Works on any fragment (dpkg's own tests feed it strings such as ``~abc``
    that are not full versions); returns negative, 0 or positive.
    """
    return sign(fragment_key(require_str(a)), fragment_key(require_str(b)))


def parse(version: str) -> DebVersion:
    """Split a Debian version into epoch, upstream version and revision."""
    text = require_str(version).strip(_C_SPACE)
    if not text:
        raise VersionError("Debian version is empty")
    if any(c in _C_SPACE for c in text):
        raise VersionError(f"Debian version {text!r} has embedded spaces")
    if not (text.isascii() and text.isprintable()):
        raise VersionError(f"Debian version {text!r} has non-ASCII or control characters")
    epoch_text, colon, rest = text.partition(":")
    epoch = 0
    if colon:
        if not epoch_text:
            raise VersionError(f"epoch in Debian version {text!r} is empty")
        if not all(c in _DIGITS for c in epoch_text):
            raise VersionError(f"epoch in Debian version {text!r} is not a number")
        if digits_key(epoch_text) > digits_key(str(_EPOCH_MAX)):
            raise VersionError(f"epoch in Debian version {text!r} is too big")
        epoch = int(epoch_text)
    else:
        rest = text
    # The revision starts after the LAST hyphen; the upstream part may hold more.
    upstream, hyphen, revision = rest.rpartition("-")
    if not hyphen:
        upstream, revision = rest, ""
    elif not revision:
        raise VersionError(f"revision in Debian version {text!r} is empty")
    if not upstream:
        raise VersionError(f"upstream version in Debian version {text!r} is empty")
    return DebVersion(epoch, upstream, revision)


def key(version: str) -> tuple[object, ...]:
    """The sort key of a full Debian version: epoch, upstream, revision."""
    parsed = parse(version)
    return (parsed.epoch, fragment_key(parsed.upstream), fragment_key(parsed.revision))


def compare(a: str, b: str) -> int:
    """Compare two full Debian versions (``dpkg --compare-versions`` order)."""
    return sign(key(a), key(b))
