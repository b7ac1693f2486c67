"""The one error and the comparator shape shared by every version scheme.

Kept apart from ``__init__`` so scheme modules can raise ``VersionError``
without importing the package that imports them (pip-audit's ``interface.py``
layout).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

# compare(a, b) -> negative, 0 or positive, like the old ``cmp``.
Comparator = Callable[[str, str], int]
# key(version) -> a value whose order is the scheme's order.
KeyFn = Callable[[str], Hashable]


class VersionError(ValueError):
    """A version, range or scheme that cannot be interpreted.

    Raised for unknown schemes and for any input a scheme cannot parse; no
    other exception type escapes the public functions on ``str`` input.
    """


def sign(a: object, b: object) -> int:
    """-1, 0 or 1 for two mutually comparable keys."""
    return (a > b) - (a < b)  # type: ignore[operator]


def require_str(value: object, what: str = "version") -> str:
    """Reject non-``str`` input with ``VersionError`` rather than a ``TypeError``."""
    if not isinstance(value, str):
        raise VersionError(f"{what} must be a str, not {type(value).__name__}")
    return value


def digits_key(digits: str) -> tuple[int, str]:
    """Order ASCII digit strings numerically without ``int()``.

    ``int()`` refuses strings over 4300 digits (CPython's limit), and a version
    is attacker-controlled text; comparing (length, digits) after dropping
    leading zeros is the same order with no limit.
    """
    stripped = digits.lstrip("0")
    return (len(stripped), stripped)
