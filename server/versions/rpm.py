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

import re
import string
from functools import lru_cache
from typing import NamedTuple

from .interface import VersionError, digits_key, require_str, sign

_DIGITS = frozenset(string.digits)


class RpmVersion(NamedTuple):
    """A parsed EVR; ``release`` is ``None`` when the string had no ``-``."""

    epoch: str
    version: str
    release: str | None


# Token ranks at one position, as rpmvercmp orders them: "~" < end of
# string < "^" < letters < digits. Other characters only separate tokens.
_TILDE, _END, _CARET, _ALPHA, _NUM = 0, 1, 2, 3, 4
_TOKEN = re.compile(r"(~)|(\^)|([0-9]+)|([A-Za-z]+)")


def _leading_digits(text: str) -> int:
    end = 0
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return end


# NOTE: a fleet's versions share few version and release strings, and keys
# are immutable, so each string is worked out once per process.
@lru_cache(maxsize=65536)
def segments_key(text: str) -> tuple[tuple[object, ...], ...]:
    """The sort key of one version or release string in ``rpmvercmp`` order."""
    tokens: list[tuple[object, ...]] = []
    for tilde, caret, digits, letters in _TOKEN.findall(text):
        if tilde:
            tokens.append((_TILDE,))
        elif caret:
            tokens.append((_CARET,))
        elif digits:
            tokens.append((_NUM, digits_key(digits)))
        else:
            tokens.append((_ALPHA, letters))
    return (*tokens, (_END,))


def rpmvercmp(a: str, b: str) -> int:
    """Compare one version (or one release) string the way rpm does."""
    return sign(segments_key(require_str(a)), segments_key(require_str(b)))


def parse(evr: str) -> RpmVersion:
    """Split ``[epoch:]version[-release]`` like rpm's ``parseEVR``."""
    text = require_str(evr).strip()
    if not text:
        raise VersionError("RPM version is empty")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise VersionError(f"RPM version {text!r} contains whitespace or control characters")
    digits_end = _leading_digits(text)
    if digits_end < len(text) and text[digits_end] == ":":
        epoch, rest = text[:digits_end] or "0", text[digits_end + 1 :]
    else:
        epoch, rest = "0", text
    version, hyphen, release = rest.rpartition("-")
    if not hyphen:
        return RpmVersion(epoch, rest, None)
    return RpmVersion(epoch, version, release)


def key(evr: str) -> tuple[object, ...]:
    """The sort key of ``[epoch:]version[-release]`` (a missing release first)."""
    parsed = parse(evr)
    release = (0,) if parsed.release is None else (1, segments_key(parsed.release))
    return (digits_key(parsed.epoch), segments_key(parsed.version), release)


def compare(a: str, b: str) -> int:
    """Compare two ``[epoch:]version[-release]`` strings."""
    return sign(key(a), key(b))
