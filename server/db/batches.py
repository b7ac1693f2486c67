"""Long lists cut into parts, so each statement stays under SQLite's and
PostgreSQL's bound-parameter limits (and bulk inserts stay a bounded size)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

CHUNK = 500


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(values), size):
        yield values[start : start + size]
