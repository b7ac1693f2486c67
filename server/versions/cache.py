"""Version keys of one matching run, so a run parses each version once.

``compare(scheme, a, b)`` re-parses both strings on every call. Matching a
fleet compares the same few thousand versions millions of times, so a run
turns each version into its scheme's key once and compares keys.
"""
from __future__ import annotations

from collections.abc import Hashable

from server.versions import KeyFn, VersionError, key_function


class KeyCache:
    """Keys of one matching run: each (scheme, version) is parsed once.

    An unparsable version is remembered as ``None`` so it is not retried."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], Hashable | None] = {}
        self._functions: dict[str, KeyFn] = {}  # scheme names are checked once per run

    def key(self, scheme: str, version: str) -> Hashable | None:
        found = self._keys.get((scheme, version), self)
        if found is not self:
            return found  # type: ignore[return-value]
        try:
            function = self._functions.get(scheme)
            if function is None:
                function = self._functions[scheme] = key_function(scheme)
            value: Hashable | None = function(version)
        except VersionError:
            value = None
        self._keys[(scheme, version)] = value
        return value
