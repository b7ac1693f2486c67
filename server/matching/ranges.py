"""Affected ranges compiled once per run into intervals over version keys.

``decide.package_verdict`` is the reference: ``contains(vers_range, v)`` when
the item has a range, else ``v < fixed_version`` in the ecosystem's scheme.
A :class:`Compiled` range answers the same question from keys, and can pick
every matching version out of a sorted list with ``bisect`` instead of
testing versions one by one. The vers containment algorithm it mirrors
(package-url/vers-spec, ``versions.vers.contains``):

- a version equal to a constraint is inside for ``=``, ``<=``, ``>=`` and
  outside for ``!=``;
- otherwise it is inside when below a leading upper bound, above a trailing
  lower bound, or strictly between a lower bound and the upper bound that
  follows it (constraints sorted by version).

An item whose range cannot be parsed compiles to ``None`` (never a finding,
as ``package_verdict`` says "cannot compare versions").
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from server.ecosystems import scheme_of
from server.versions.cache import KeyCache
from server.versions import VersionError, comparator_for, vers

_LOWER, _UPPER = (">", ">="), ("<", "<=")
Bound = Hashable | None  # None: unbounded on that side


@dataclass(frozen=True)
class Compiled:
    """A range as open intervals plus the verdicts at its constraint versions."""

    scheme: str
    intervals: tuple[tuple[Bound, Bound], ...]
    at: dict[Hashable, bool]  # key of a constraint version -> inside?
    everything: bool = False

    def contains(self, key: Hashable) -> bool:
        if self.everything:
            return True
        if key in self.at:
            return self.at[key]
        return any((lo is None or lo < key) and (hi is None or key < hi) for lo, hi in self.intervals)  # type: ignore[operator]

    def select(self, keys: Sequence[Hashable]) -> list[int]:
        """Indexes of the keys inside the range; ``keys`` must be sorted."""
        if self.everything:
            return list(range(len(keys)))
        hits: set[int] = set()
        for lo, hi in self.intervals:
            start = 0 if lo is None else bisect_right(keys, lo)
            stop = len(keys) if hi is None else bisect_left(keys, hi)
            hits.update(range(start, stop))
        for key, inside in self.at.items():
            start, stop = bisect_left(keys, key), bisect_right(keys, key)
            if inside:
                hits.update(range(start, stop))
            else:
                hits.difference_update(range(start, stop))
        return sorted(hits)


def _from_vers(text: str, keys: KeyCache) -> Compiled | None:
    found = vers.parse_pairs(text)
    if found is None:
        scheme = vers.parse(text).scheme
        comparator_for(scheme)
        return Compiled(scheme, (), {}, everything=True)
    scheme, constraints = found
    comparator_for(scheme)
    keyed = []
    for comparator, version in constraints:
        key = keys.key(scheme, version)
        if key is None:
            return None
        keyed.append((comparator, key))
    at: dict[Hashable, bool] = {}
    for comparator, key in keyed:
        inside = comparator in ("=", "<=", ">=")
        if inside:
            at[key] = True
        elif comparator == "!=" and key not in at:
            at[key] = False
    # Python's sort is stable, like the cmp_to_key sort of vers.contains.
    bounds = sorted(((c, k) for c, k in keyed if c not in ("=", "!=")), key=lambda ck: ck[1])  # type: ignore[arg-type, return-value]
    intervals: list[tuple[Bound, Bound]] = []
    if bounds and bounds[0][0] in _UPPER:
        intervals.append((None, bounds[0][1]))
    if bounds and bounds[-1][0] in _LOWER:
        intervals.append((bounds[-1][1], None))
    for (low_cmp, low), (high_cmp, high) in zip(bounds, bounds[1:]):
        if low_cmp in _LOWER and high_cmp in _UPPER:
            intervals.append((low, high))
    return Compiled(scheme, tuple(intervals), at)


def compile_item(ecosystem: str, vers_range: str, fixed_version: str, keys: KeyCache) -> Compiled | None:
    """Compile an affected item's range (or its fixed version) for one run."""
    try:
        if vers_range:
            return _from_vers(vers_range, keys)
    except VersionError:
        return None
    if not fixed_version:
        return None  # nothing to compare: the item needs review
    scheme = scheme_of(ecosystem)
    fixed = keys.key(scheme, fixed_version)
    if fixed is None:
        return None
    return Compiled(scheme, ((None, fixed),), {})
