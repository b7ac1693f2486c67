"""Python package versions as PyPI orders them: PEP 440, and the legacy ones.

``packaging.version.Version`` is the reference implementation pip uses, so
valid versions are parsed and ordered with it rather than re-deriving PEP
440's normalisation (``1.0-DEV`` == ``1.0.dev0``, ``1.1RC1`` == ``1.1rc1``,
epochs ``1!``, local labels ``+abc``).

PyPI also holds releases PEP 440 rejects (``0.3m1``, ``2.0.0-final``,
``1.3.1-STAGING``, ``0.7.11p3``, date stamps), and OSV records bound ranges
with them. OSV's PyPI comparator and pip's historic ``LegacyVersion`` order
them the same way: every legacy version sorts before every valid one, and
legacy versions among themselves by the setuptools-era key
(:func:`legacy_key`). :func:`key` is that order and :func:`compare` is derived
from it, so the matcher's keys and the reference comparison cannot drift.

# NOTE: packaging 22 removed ``LegacyVersion`` (pypa/packaging#407); the key is
# re-implemented here from its published definition (packaging 21.3,
# ``packaging/version.py``, ``_legacy_cmpkey``), which OSV-Scalibr's
# ``semantic/version-pypi.go`` follows too.

``specifier_contains`` answers PEP 440 *specifier* questions (``~=1.2``,
``==2.*``), whose semantics differ from plain ordering: it is what a feed
quoting native PyPI ranges needs, while ``vers:pypi`` ranges use ordering.
Specifiers are defined on PEP 440 versions only; a legacy version is refused.
"""
from __future__ import annotations

import re
from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import InvalidVersion, Version

from .interface import VersionError, require_str, sign

Key = tuple[int, Version] | tuple[int, tuple[str, ...]]

# A legacy version is read as digit runs, letter runs, "." and "-"; whatever
# lies between them is kept as a part of its own (as ``re.split`` with the
# definition's pattern keeps it). ``\d`` is Unicode-aware there as here.
_LEGACY_PART = re.compile(r"\d+|[a-z]+|\.|-|[^\da-z.-]+")
# Words the definition reads as others: release-candidate spellings are "c",
# "dev" sorts before every letter ("@"), and "-" before a word is "final-".
_LEGACY_WORDS = {"pre": "c", "preview": "c", "rc": "c", "dev": "@", "-": "final-"}
_FINAL = "*final"
_ZERO = "00000000"
_LEGACY, _VALID = 0, 1  # legacy first: the definition gives them epoch -1


def legacy_key(version: str) -> tuple[str, ...]:
    """The setuptools-era sort key of a version PEP 440 rejects.

    Lower-cased; digit runs padded to eight places (compared as text, so a
    run of nine or more digits sorts by its leading digits, as it did); words
    marked ``*``; a pre-release word (one sorting before ``*final``) drops the
    ``-`` before it; every word drops the zero runs before it (``1.0-x`` is
    ``1-x``); ``*final`` closes the key.
    """
    parts: list[str] = []
    for token in [*_LEGACY_PART.findall(version.lower()), "final"]:
        token = _LEGACY_WORDS.get(token, token)
        if token == ".":
            continue
        if token[0] in "0123456789":
            parts.append(token.zfill(8))
            continue
        part = "*" + token
        if part < _FINAL:
            while parts and parts[-1] == "*final-":
                parts.pop()
        while parts and parts[-1] == _ZERO:
            parts.pop()
        parts.append(part)
    return tuple(parts)


def _strict(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise
    except ValueError as exc:
        # PEP 440 syntax, but e.g. a digit run beyond CPython's int-conversion
        # limit: valid, yet not orderable; never guessed into a legacy version.
        raise VersionError(f"invalid PEP 440 version {text[:80]!r}: {exc}") from exc


@lru_cache(maxsize=4096)
def _key_cached(text: str) -> Key:
    # Matching compares the same fixed versions over and over; keys are
    # immutable, so sharing them is safe.
    try:
        return (_VALID, _strict(text))
    except InvalidVersion:
        if not text.strip():
            raise VersionError("empty version") from None
        return (_LEGACY, legacy_key(text))


def key(version: str) -> Key:
    """Sort key in PyPI order: PEP 440 versions, legacy ones before them all."""
    return _key_cached(require_str(version))


def compare(a: str, b: str) -> int:
    """Compare two PyPI versions (PEP 440 or legacy)."""
    return sign(key(a), key(b))


def parse(version: str) -> Version:
    """Parse one PEP 440 version; ``VersionError`` if it is not one (legacy
    versions included: they have an order, not a PEP 440 meaning)."""
    text = require_str(version)
    found = key(text)
    if found[0] != _VALID:
        raise VersionError(f"invalid PEP 440 version {text[:80]!r}")
    return found[1]  # type: ignore[return-value]


def is_valid(version: str) -> bool:
    """Whether ``version`` is a valid PEP 440 version."""
    try:
        parse(version)
    except VersionError:
        return False
    return True


def specifier_contains(specifier: str, version: str) -> bool:
    """Whether ``version`` satisfies one PEP 440 specifier such as ``>=2.0``.

    Pre-releases are allowed to match: a vulnerable pre-release is still
    vulnerable, whatever pip would choose to install.
    """
    spec_text = require_str(specifier, "specifier")
    try:
        spec = Specifier(spec_text, prereleases=True)
    except InvalidSpecifier as exc:
        raise VersionError(f"invalid PEP 440 specifier {spec_text!r}") from exc
    return spec.contains(parse(version), prereleases=True)
