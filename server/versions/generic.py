"""Program versions with no declared scheme (Windows programs, NVD CPEs).

Versions like ``124.0.6367.61``, ``23.01``, ``95SE``, ``1.2.3-beta`` or
``8.5.2 (x64)`` come from installers, not package managers, so the order is
a heuristic that agrees with how vendors number releases:

- Noise is dropped first: parenthesised or bracketed parts and everything
  after the first space (``8.5.2 (x64)`` -> ``8.5.2``), and a ``v`` before a
  digit (``v1.2`` -> ``1.2``).
- The rest splits into digit runs, letter runs and separators (any other
  character; which one does not matter, ``5-a1`` == ``5.a1``).
- Digit runs compare as numbers (``1.4`` > ``1.02``, ``5.0`` < ``08.0``).
- A letter run glued to what precedes it is a suffix and sorts after the end
  of the version (``4c`` > ``4a`` > ``4``, OpenSSL's ``1.0.2k`` > ``1.0.2``);
  after a separator it marks a pre-release and sorts before the end
  (``1.2.3-beta`` < ``1.2.3``, ``5-a1`` < ``5a1``). Letters compare
  case-insensitively and always sort below numbers at the same position.
- Trailing zero fields are ignored: ``157.0`` == ``157.0.0.0``.

Every version maps to a key and keys are compared, so the order is total.
"""
from __future__ import annotations

import re

from .interface import VersionError, digits_key, require_str, sign

# Token ranks at one position: pre-release word < end < suffix < number.
_PRE, _END, _SUFFIX, _NUM = 0, 1, 2, 3
_NOISE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_TOKEN = re.compile(r"([0-9]+)|([A-Za-z]+)|[^0-9A-Za-z]+")
_LEADING_V = re.compile(r"[vV](?=[0-9])")

Key = tuple[tuple[object, ...], ...]


def clean(version: str) -> str:
    """The version proper, without trailing noise such as `` (x64)``."""
    words = _NOISE.sub(" ", require_str(version)).split()
    if not words:
        return ""
    return _LEADING_V.sub("", words[0], count=1)


def key(version: str) -> Key:
    """A sort key for a free-form program version."""
    text = clean(version)
    tokens: list[tuple[object, ...]] = []
    trailing_zero_fields = 0
    after_separator = False
    for match in _TOKEN.finditer(text):
        number, letters = match.group(1), match.group(2)
        if number is not None:
            value = digits_key(number)
            tokens.append((_NUM, *value))
            # Count zero fields that could be trailing ones (".0", "-00").
            zero_field = after_separator and value == (0, "")
            trailing_zero_fields = trailing_zero_fields + 1 if zero_field else 0
        elif letters is not None:
            tokens.append((_PRE if after_separator else _SUFFIX, letters.lower()))
            trailing_zero_fields = 0
        after_separator = number is None and letters is None
    if not tokens:
        raise VersionError(f"no version number in {require_str(version)[:80]!r}")
    if trailing_zero_fields:
        del tokens[-trailing_zero_fields:]
    return (*tokens, (_END,))


def compare(a: str, b: str) -> int:
    """Compare two free-form program versions."""
    return sign(key(a), key(b))
