"""Semantic Versioning 2.0.0 precedence (npm packages, OSV ``SEMVER`` ranges).

Precedence (semver.org section 11): major, minor and patch compare
numerically; a version with a pre-release sorts before the same version
without one; pre-release identifiers compare left to right, numeric ones as
numbers and below alphanumeric ones, which compare in ASCII order, and a
shorter list of equal identifiers sorts first. Build metadata (``+...``) is
ignored.

Leniency, only where real data needs it:

- node-semver's loose prefixes: ``v1.2.3``, ``=1.2.3``, ``v 1.2.3``, and
  surrounding whitespace (npm manifests and GitHub tags carry them);
- fewer or more than three numeric components (``1``, ``1.2``,
  ``1.1.3.4.5``, which OSV's parser accepts): missing components count as 0
  and extra ones compare numerically after the patch, so ``1.2`` ==
  ``1.2.0`` and plain three-part versions keep exact SemVer order.

Leading zeros in numeric identifiers stay invalid, as the specification says.
"""
from __future__ import annotations

import re

from .interface import VersionError, digits_key, require_str, sign

_NUMBER = r"(?:0|[1-9][0-9]*)"
_IDENT = r"[0-9A-Za-z-]+"
_SEMVER = re.compile(
    rf"""
    [v=\s]*                                  # node-semver loose prefixes
    (?P<core>{_NUMBER}(?:\.{_NUMBER})*)
    (?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?
    (?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?
    \s*
    """,
    re.VERBOSE | re.ASCII,
)

_Key = tuple[tuple[tuple[int, str], ...], tuple[object, ...]]
# No pre-release sorts after any pre-release of the same core version.
_RELEASE = (1,)
_ZERO = digits_key("0")


def _identifier_key(ident: str) -> tuple[int, object]:
    if ident.isdigit():
        if len(ident) > 1 and ident.startswith("0"):
            raise VersionError(f"numeric pre-release identifier {ident!r} has a leading zero")
        return (0, digits_key(ident))
    return (1, ident)


def key(version: str) -> _Key:
    """A sort key giving SemVer precedence; ``VersionError`` if not SemVer."""
    text = require_str(version)
    match = _SEMVER.fullmatch(text)
    if match is None:
        raise VersionError(f"invalid semantic version {text[:80]!r}")
    core = [digits_key(part) for part in match["core"].split(".")]
    # Pad to major.minor.patch, drop zero components beyond it: one key per value.
    core += [_ZERO] * (3 - len(core))
    while len(core) > 3 and core[-1] == _ZERO:
        core.pop()
    pre = match["pre"]
    if pre is None:
        return (tuple(core), _RELEASE)
    try:
        idents = tuple(_identifier_key(ident) for ident in pre.split("."))
    except VersionError as exc:
        raise VersionError(f"invalid semantic version {text[:80]!r}: {exc}") from None
    return (tuple(core), (0, idents))


def compare(a: str, b: str) -> int:
    """Compare two semantic versions by precedence."""
    return sign(key(a), key(b))
