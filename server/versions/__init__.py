"""Version semantics: compare versions, test ``vers:`` ranges and OSV events.

The one entry point for the rest of patchgap and for scripts::

    from server.versions import compare, contains, osv_affected, VersionError

    compare("deb", "1.1.1n-0+deb11u5", "1.1.1w") < 0
    contains("vers:deb/>=1.0|<1.2.3", "1.1")
    osv_affected("pep440", [{"introduced": "0"}, {"fixed": "2.0"}], "1.9")

Each scheme lives in its own module (``deb``, ``rpm``, ``pep440``,
``semver``, ``windows``, ``generic``, ``macos``) that exports a sort
``key(version)``; its ``compare`` is derived from that key, so each order is
written once and matching (which keys every version once per run,
``server.versions.cache``) and feeds use the same one. The plain ``SCHEMES``
registry lists them and maps the vers/purl type names that use another
scheme's order (``pypi`` -> ``pep440``, PyPI's order: PEP 440 and the legacy
versions below it; ``npm`` -> SemVer). Unknown schemes and unparsable
versions raise ``VersionError`` (a ``ValueError``); no other exception
escapes on ``str`` input.
"""
from __future__ import annotations

from types import ModuleType

from . import deb, generic, macos, osv, pep440, rpm, semver, vers, windows
from .interface import Comparator, KeyFn, VersionError, require_str

# Every module here has ``key`` and ``compare`` (= the sign of two keys).
SCHEMES = {
    "deb": deb,
    "rpm": rpm,
    "pep440": pep440,
    "pypi": pep440,
    "semver": semver,
    "npm": semver,
    "windows": windows,
    "generic": generic,
    "macos": macos,
}

__all__ = [
    "SCHEMES",
    "Comparator",
    "KeyFn",
    "VersionError",
    "compare",
    "comparator_for",
    "key_function",
    "contains",
    "osv_affected",
]


def _scheme(scheme: str) -> ModuleType:
    name = require_str(scheme, "scheme").strip().lower()
    try:
        return SCHEMES[name]
    except KeyError:
        known = ", ".join(sorted(SCHEMES))
        raise VersionError(f"unknown version scheme {scheme!r} (known: {known})") from None


def comparator_for(scheme: str) -> Comparator:
    """The comparator of a scheme or vers/purl type name (case-insensitive)."""
    return _scheme(scheme).compare


def key_function(scheme: str) -> KeyFn:
    """The sort key of a scheme or vers/purl type name (case-insensitive):
    ``sign(key(a), key(b)) == compare(scheme, a, b)``."""
    return _scheme(scheme).key


def compare(scheme: str, a: str, b: str) -> int:
    """Compare two versions of one scheme: negative, 0 or positive."""
    return comparator_for(scheme)(a, b)


def contains(vers_range: str, version: str) -> bool:
    """Whether ``version`` is inside a ``vers:<type>/...`` range."""
    rng = vers.parse(vers_range)
    return vers.contains(rng, version, comparator_for(rng.scheme))


def osv_affected(scheme: str, events: list[dict[str, str]], version: str) -> bool:
    """Whether ``version`` is affected by one OSV range's ``events``."""
    return osv.affected(events, version, comparator_for(scheme))
