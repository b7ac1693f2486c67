"""Windows OS builds such as ``10.0.19045.4291`` (major.minor.build.UBR).

Each dot-separated field is a decimal number compared numerically
(``15.02.2562.017`` == ``15.2.2562.17``), and missing fields count as 0, so
``16.0.35907`` == ``16.0.35907.0.0``. That is how Windows and the MSRC
update guide read builds; a plain dpkg/rpm compare would disagree on the
trailing zeros. Anything else than digits and dots is refused: a build
with letters is not an OS build (programs use the ``generic`` scheme).
"""
from __future__ import annotations

import re

from .interface import VersionError, digits_key, require_str, sign

_BUILD = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_ZERO = digits_key("0")


def key(version: str) -> tuple[tuple[int, str], ...]:
    """A sort key: the numeric fields without trailing zero fields."""
    text = require_str(version).strip()
    if not _BUILD.fullmatch(text):
        raise VersionError(f"invalid Windows build {text[:80]!r}: expected dotted numbers")
    fields = [digits_key(field) for field in text.split(".")]
    while fields and fields[-1] == _ZERO:
        fields.pop()
    return tuple(fields)


def compare(a: str, b: str) -> int:
    """Compare two Windows builds field by field."""
    return sign(key(a), key(b))

