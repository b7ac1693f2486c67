"""CPE 2.3 formatted strings, split into the fields patchgap needs.

``cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:
target_sw:target_hw:other``. A ``:`` inside a field is escaped as ``\\:``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_FIELDS = 13
_SPLIT = re.compile(r"(?<!\\):")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Cpe:
    """The parts of a CPE 2.3 name a match needs (values unescaped)."""

    part: str  # a (application), o (operating system), h (hardware)
    vendor: str
    product: str
    version: str = "*"
    update: str = "*"
    target_sw: str = "*"

    @property
    def any_version(self) -> bool:
        """``*``: every version (NVD then says so with version bounds)."""
        return self.version in ("*", "")

    @property
    def no_version(self) -> bool:
        """``-``: NVD gives no version at all."""
        return self.version == "-"


def parse_cpe(text: object) -> Cpe | None:
    """A CPE 2.3 formatted string -> :class:`Cpe`; anything else -> ``None``."""
    if not isinstance(text, str) or not text.startswith("cpe:2.3:"):
        return None
    fields = [_ESCAPE.sub(r"\1", f) for f in _SPLIT.split(text)]
    if len(fields) != _FIELDS or fields[2] not in ("a", "o", "h") or not fields[3] or not fields[4]:
        return None
    return Cpe(part=fields[2], vendor=fields[3], product=fields[4], version=fields[5],
               update=fields[6], target_sw=fields[10])


def quote(version: str) -> str:
    """Percent-encode the characters the ``vers:`` grammar reserves."""
    return "".join(c if c.isascii() and c not in "<>=!*|% " else
                   "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in version)
