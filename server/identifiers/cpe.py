"""CPE names in both bindings publishers write, read into one :class:`Cpe`.

- the CPE 2.3 formatted string (NVD, CSAF, MSRC):
  ``cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:
  target_sw:target_hw:other``, where a backslash quotes the next character
  (``web\\:server`` is the product ``web:server``);
- the CPE 2.2 URI (Red Hat): ``cpe:/a:redhat:enterprise_linux:9::appstream``,
  percent-encoded, trailing components omitted, an empty component meaning
  any value, and ``~``-packed editions (``~edition~sw_edition~target_sw~
  target_hw~other``) unpacked.

Both become the same fields. The logical values keep the formatted string's
spelling: :data:`ANY` (``*``, or an empty/omitted 2.2 component) and
:data:`NA` (``-``). Part, vendor and product are lower-cased, since CPE
names compare case-insensitively; the other values are kept as written
(versions are compared by their scheme), wildcards ``*``/``?`` inside a
value included.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

ANY = "*"
NA = "-"
# NOTE: "ANY" and "NA" are how the well-formed name (WFN) writes the logical
# values; some documents put them into bound names, and the CSAF reader has
# always taken them as "no value".
_NO_VALUE = frozenset({"", ANY, NA, "ANY", "NA"})
_PARTS = frozenset({"a", "o", "h"})
_FIELDS = ("version", "update", "edition", "language", "sw_edition", "target_sw", "target_hw", "other")
COMPONENTS_23 = 11  # part .. other, after "cpe:2.3:"
_COMPONENTS_22 = 7  # part .. language, after "cpe:/"


@dataclass(frozen=True)
class Cpe:
    """A CPE name's components; unset ones are :data:`ANY`."""

    part: str  # a (application), o (operating system), h (hardware)
    vendor: str
    product: str
    version: str = ANY
    update: str = ANY
    edition: str = ANY
    language: str = ANY
    sw_edition: str = ANY
    target_sw: str = ANY
    target_hw: str = ANY
    other: str = ANY
    binding: str = "2.3"  # "2.3" formatted string, "2.2" URI
    written: int = COMPONENTS_23  # components the name wrote out (2.2 may omit trailing ones)

    @property
    def any_version(self) -> bool:
        """Every version (``*``; NVD then bounds it with version ranges)."""
        return self.version == ANY

    @property
    def no_version(self) -> bool:
        """``-``: the name says no version applies."""
        return self.version == NA

    @property
    def components(self) -> tuple[str, ...]:
        """Every component, in binding order."""
        return (self.part, self.vendor, self.product, *(getattr(self, f) for f in _FIELDS))


def specific(value: str) -> str:
    """A component's value, or ``""`` for any logical value (any / not applicable)."""
    return "" if value in _NO_VALUE else value


def _split_formatted(body: str) -> list[str] | None:
    """Split a 2.3 formatted string on unquoted ``:`` and unquote; None if a
    backslash quotes nothing."""
    fields, current, chars = [], [], iter(body)
    for char in chars:
        if char == "\\":
            quoted = next(chars, None)
            if quoted is None:
                return None
            current.append(quoted)
        elif char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def _split_uri(body: str) -> list[str] | None:
    """Split a 2.2 URI after ``cpe:/``, decoded; a ``~``-packed edition unpacked."""
    raw = body.split(":")
    if len(raw) > _COMPONENTS_22:
        return None
    fields = [unquote(f) for f in raw]
    if len(raw) > 5 and raw[5].startswith("~"):
        packed = [unquote(p) for p in raw[5].split("~")[1:]]
        if len(packed) != 5:
            return None
        language = fields[6] if len(fields) > 6 else ""
        fields = [*fields[:5], packed[0], language, *packed[1:]]
    return fields


def parse_cpe(text: object) -> Cpe | None:
    """A CPE 2.3 formatted string or 2.2 URI -> :class:`Cpe`; ``None`` when it
    is neither, has too many components, names no part ``a``/``o``/``h``, or
    leaves vendor or product empty."""
    if not isinstance(text, str):
        return None
    raw = text.strip()
    head = raw[:8].lower()
    if head == "cpe:2.3:":
        fields, binding = _split_formatted(raw[8:]), "2.3"
    elif head.startswith("cpe:/"):
        fields, binding = _split_uri(raw[5:]), "2.2"
    else:
        return None
    if fields is None or len(fields) > COMPONENTS_23:
        return None
    written = len(fields)
    # NOTE: a 2.3 name should write all 11 components, but CSAF documents
    # have been read with trailing ones missing, as 2.2 allows; the NVD
    # reader asks for ``written == COMPONENTS_23`` itself.
    fields += [""] * (COMPONENTS_23 - len(fields))
    part, vendor, product = (f.lower() for f in fields[:3])
    if part not in _PARTS or not vendor or not product:
        return None
    rest = (f or ANY for f in fields[3:])  # empty: any value (2.2), read alike in 2.3
    return Cpe(part, vendor, product, *rest, binding=binding, written=written)
