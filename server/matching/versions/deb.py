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

import string
from typing import NamedTuple

from .interface import VersionError, digits_key, require_str, sign

# dpkg stores the epoch in an int and refuses anything above INT_MAX.
_EPOCH_MAX = 2**31 - 1
_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_letters)
# C's isspace() in the "C" locale, which is what dpkg strips and refuses.
_C_SPACE = " \t\n\v\f\r"

# One run of a fragment: the weights of its non-digit characters (ended by a
# 0 for "end of run") and the numeric value of the digit run that follows.
_Run = tuple[tuple[int, ...], tuple[int, str]]
# dpkg keeps comparing past the end of the shorter string as if it went on
# with empty runs, so a missing run is "no characters, number 0".
_EMPTY_RUN: _Run = ((0,), (0, ""))


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


def _runs(fragment: str) -> list[_Run]:
    runs: list[_Run] = []
    i, end = 0, len(fragment)
    while i < end:
        j = i
        while j < end and fragment[j] not in _DIGITS:
            j += 1
        k = j
        while k < end and fragment[k] in _DIGITS:
            k += 1
        weights = tuple(_order(c) for c in fragment[i:j]) + (0,)
        runs.append((weights, digits_key(fragment[j:k])))
        i = k
    return runs


def verrevcmp(a: str, b: str) -> int:
    """Compare two upstream versions or two revisions the way dpkg does.

    Works on any fragment (dpkg's own tests feed it strings such as ``~abc``
    that are not full versions); returns negative, 0 or positive.
    """
    runs_a, runs_b = _runs(require_str(a)), _runs(require_str(b))
    for i in range(max(len(runs_a), len(runs_b))):
        run_a = runs_a[i] if i < len(runs_a) else _EMPTY_RUN
        run_b = runs_b[i] if i < len(runs_b) else _EMPTY_RUN
        if run_a != run_b:
            return sign(run_a, run_b)
    return 0


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


def compare(a: str, b: str) -> int:
    """Compare two full Debian versions (``dpkg --compare-versions`` order)."""
    va, vb = parse(a), parse(b)
    if va.epoch != vb.epoch:
        return sign(va.epoch, vb.epoch)
    return verrevcmp(va.upstream, vb.upstream) or verrevcmp(va.revision, vb.revision)
