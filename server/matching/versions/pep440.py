"""Python package versions (PEP 440), delegated to ``packaging``.

``packaging.version.Version`` is the reference implementation pip uses, so
we parse and order with it rather than re-deriving PEP 440's normalisation
(``1.0-DEV`` == ``1.0.dev0``, ``1.1RC1`` == ``1.1rc1``, epochs ``1!``, local
labels ``+abc``). Strings PEP 440 rejects raise ``VersionError``.

# NOTE: packaging 22 removed ``LegacyVersion``; tools that still order
# non-PEP 440 strings (``0.9-eevee``, ``2013-01-21T20:33:09+0100``) before all
# valid versions follow setuptools' old fallback. We do not guess: such a
# version is reported as uncomparable.

``specifier_contains`` answers PEP 440 *specifier* questions (``~=1.2``,
``==2.*``), whose semantics differ from plain ordering: it is what a feed
quoting native PyPI ranges needs, while ``vers:pypi`` ranges use ordering.
"""
from __future__ import annotations

from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import InvalidVersion, Version

from .interface import VersionError, require_str, sign


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Version:
    # Matching compares the same fixed versions over and over; Version
    # objects are immutable, so sharing them is safe.
    return Version(text)


def parse(version: str) -> Version:
    """Parse one PEP 440 version; ``VersionError`` if it is not one."""
    text = require_str(version)
    try:
        return _parse_cached(text)
    except InvalidVersion as exc:
        raise VersionError(f"invalid PEP 440 version {text!r}") from exc
    except ValueError as exc:
        # e.g. a digit run beyond CPython's int-conversion limit.
        raise VersionError(f"invalid PEP 440 version {text[:80]!r}: {exc}") from exc


def compare(a: str, b: str) -> int:
    """Compare two PEP 440 versions."""
    return sign(parse(a), parse(b))


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
