"""``vers:`` version range specifiers (package-url/vers-spec).

``vers:<type>/<constraint>|<constraint>...`` where a constraint is a
comparator (none for equality, ``!=``, ``<``, ``<=``, ``>``, ``>=``) and a
percent-encoded version, or a lone ``*`` for every version.

- ``parse`` applies the specification's parsing rules (no literal
  whitespace, no empty constraint, no ``=`` prefix, valid percent-encoding,
  decoded exactly once) and keeps the constraints in input order;
- ``contains`` sorts them with the type's comparator and runs the
  specification's containment algorithm, so unsorted input still works;
- ``parse_canonical`` additionally refuses what is not canonical (unsorted
  or duplicate versions, lowercase percent-escapes, upper-case names);
- ``normalize`` re-renders a range with its constraints sorted.

Comparators come from a lookup function so this module stays independent
of the scheme registry.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cmp_to_key
from itertools import pairwise

from .interface import Comparator, VersionError, require_str

_PREFIX = "non-canonical VERS: "
_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9.-]*")
_ESCAPE = re.compile(r"%(?:[0-9A-Fa-f]{2})?")
_LOWER_ESCAPE = re.compile(r"%(?:[0-9A-F][a-f]|[a-f][0-9A-Fa-f])")
_WHITESPACE = frozenset(" \t\n\r\f\v")
# Longest first: ">=" must win over ">".
_COMPARATORS = (">=", "<=", "!=", "<", ">")
_MUST_ENCODE = frozenset("><=!*|%")
# Characters that would be read as syntax if left unencoded inside a version.
_RAW_FORBIDDEN = frozenset("><=!*")
_LOWER_BOUNDS, _UPPER_BOUNDS = (">", ">="), ("<", "<=")


@dataclass(frozen=True)
class Constraint:
    """One comparator (``=`` stands for the bare version) and its decoded version."""

    comparator: str
    version: str


@dataclass(frozen=True)
class VersRange:
    """A parsed range: lower-case type and constraints in input order."""

    scheme: str
    constraints: tuple[Constraint, ...]
    wildcard: bool = False


def _decode(raw: str) -> str:
    if any(m.group() == "%" for m in _ESCAPE.finditer(raw)):
        raise VersionError(_PREFIX + "invalid percent-encoding in version")
    data = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), raw)
    try:  # bytes were decoded one per char; reassemble them as UTF-8
        return data.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        raise VersionError(_PREFIX + "invalid percent-encoding in version") from None


def _constraint(raw: str) -> Constraint:
    if raw == "*":
        raise VersionError(_PREFIX + "'*' must be the only constraint")
    comparator = next((c for c in _COMPARATORS if raw.startswith(c)), "=")
    if comparator == "=" and raw.startswith("="):
        raise VersionError(_PREFIX + "equality is a bare version, without '='")
    raw_version = raw if comparator == "=" else raw[len(comparator) :]
    if not raw_version:
        raise VersionError(_PREFIX + f"empty version in constraint {raw!r}")
    if any(c in _RAW_FORBIDDEN for c in raw_version):
        raise VersionError(_PREFIX + f"'<>=!*' in version {raw_version!r} must be percent-encoded")
    return Constraint(comparator, _decode(raw_version))


def parse(text: str) -> VersRange:
    """Parse a ``vers:`` string by the specification's parsing rules."""
    text = require_str(text, "vers range").strip()
    if any(c in _WHITESPACE for c in text):
        raise VersionError(_PREFIX + "whitespace is not permitted")
    if not text.isascii():
        raise VersionError(_PREFIX + "non-ASCII characters must be percent-encoded")
    uri_scheme, colon, specifier = text.partition(":")
    if not colon or uri_scheme.lower() != "vers":
        raise VersionError(f"not a vers range (no 'vers:' prefix): {text[:80]!r}")
    scheme, slash, constraints = specifier.partition("/")
    if not slash or not _TYPE.fullmatch(scheme):
        raise VersionError(f"vers range without a valid type: {text[:80]!r}")
    if not constraints:
        raise VersionError(_PREFIX + "constraints are empty")
    if constraints == "*":
        return VersRange(scheme.lower(), (), wildcard=True)
    if constraints.startswith("|"):
        raise VersionError(_PREFIX + "leading pipe is not permitted")
    if constraints.endswith("|"):
        raise VersionError(_PREFIX + "trailing pipe is not permitted")
    if "||" in constraints:
        raise VersionError(_PREFIX + "consecutive pipes are not permitted")
    return VersRange(scheme.lower(), tuple(_constraint(c) for c in constraints.split("|")))


# NOTE: most feed ranges are plain ("vers:deb/<1.2-3"): with no percent-escape
# and none of the reserved characters, ``parse`` would return exactly these
# pieces, so matching (which reads every range once per run) skips its
# general, slower path for them.
_PLAIN = re.compile(r"vers:([a-z][a-z0-9.-]*)/((?:(?:<=|>=|!=|<|>)?[A-Za-z0-9._~+:^-]+)(?:\|(?:<=|>=|!=|<|>)?[A-Za-z0-9._~+:^-]+)*)")
_PLAIN_CONSTRAINT = re.compile(r"(<=|>=|!=|<|>)?(.+)")


def parse_pairs(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(type, [(comparator, version)]) as ``parse`` reads them, quickly for
    plain ranges; ``None`` for the wildcard ``*``. Raises as ``parse`` does."""
    plain = _PLAIN.fullmatch(text)
    if plain:
        pairs = [_PLAIN_CONSTRAINT.fullmatch(part).groups() for part in plain.group(2).split("|")]  # type: ignore[union-attr]
        return plain.group(1), [(comparator or "=", version) for comparator, version in pairs]
    rng = parse(text)
    if rng.wildcard:
        return None
    return rng.scheme, [(c.comparator, c.version) for c in rng.constraints]


def _sorted(constraints: tuple[Constraint, ...], cmp: Comparator) -> list[Constraint]:
    return sorted(constraints, key=cmp_to_key(lambda x, y: cmp(x.version, y.version)))


def parse_canonical(text: str, comparator_for: Callable[[str], Comparator]) -> VersRange:
    """Parse, refusing anything that is not already in canonical form."""
    rng = parse(text)
    head, _, tail = require_str(text).strip().partition("/")
    if head != head.lower():
        raise VersionError(_PREFIX + "scheme and type must be lowercase")
    if _LOWER_ESCAPE.search(tail):
        raise VersionError(_PREFIX + "percent-encoding in version is not canonical")
    cmp = comparator_for(rng.scheme)
    in_order = _sorted(rng.constraints, cmp)
    if list(rng.constraints) != in_order:
        raise VersionError(_PREFIX + "constraints are not sorted by version")
    if any(cmp(x.version, y.version) == 0 for x, y in pairwise(in_order)):
        raise VersionError(_PREFIX + "a version occurs in more than one constraint")
    return rng


def encode(version: str) -> str:
    """A version as a constraint writes it: what the grammar reserves, space,
    and anything not printable ASCII percent-encoded (UTF-8)."""
    return "".join(
        c if c.isascii() and c.isprintable() and c not in _MUST_ENCODE and c != " "
        else "".join(f"%{b:02X}" for b in c.encode())
        for c in version
    )


def normalize(text: str, comparator_for: Callable[[str], Comparator]) -> str:
    """The range with constraints sorted by version (stable) and re-encoded."""
    rng = parse(text)
    if rng.wildcard:
        return f"vers:{rng.scheme}/*"
    parts = (
        ("" if c.comparator == "=" else c.comparator) + encode(c.version)
        for c in _sorted(rng.constraints, comparator_for(rng.scheme))
    )
    return f"vers:{rng.scheme}/" + "|".join(parts)


def contains(rng: VersRange, version: str, cmp: Comparator) -> bool:
    """Whether ``version`` lies in ``rng``, by the vers containment algorithm."""
    cmp(version, version)  # an unparsable version is an error even for '*'
    if rng.wildcard:
        return True
    constraints = _sorted(rng.constraints, cmp)
    equal = [c for c in constraints if cmp(version, c.version) == 0]
    if any(c.comparator in ("=", "<=", ">=") for c in equal):
        return True
    if any(c.comparator == "!=" for c in equal):
        return False
    bounds = [c for c in constraints if c.comparator not in ("=", "!=")]
    if not bounds:
        return False
    if bounds[0].comparator in _UPPER_BOUNDS and cmp(version, bounds[0].version) < 0:
        return True
    if bounds[-1].comparator in _LOWER_BOUNDS and cmp(version, bounds[-1].version) > 0:
        return True
    return any(
        low.comparator in _LOWER_BOUNDS
        and high.comparator in _UPPER_BOUNDS
        and cmp(version, low.version) > 0
        and cmp(version, high.version) < 0
        for low, high in pairwise(bounds)
    )
