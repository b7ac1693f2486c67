"""What every triage source gives, and the shaping that keeps an upload
within the wire limits (:mod:`collector.limits`): cells cleaned and cut,
rows capped, the whole snapshot under ``MAX_TRIAGE_BYTES``.

The collector does the cutting, always visibly: a cut cell ends with "…",
a result missing rows says ``truncated``. The server refuses, never cuts.
"""
from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from collector import limits as L
from collector import wire

ELLIPSIS = "…"


@dataclass(frozen=True)
class TriageRun:
    results: list[wire.TriageResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "what: why", one line each


class TriageSource(ABC):
    """One way of looking at a listed machine."""

    name: str = ""

    @abstractmethod
    def run(self) -> TriageRun:
        """Run every check this source has here, once. A check that fails is a
        result with its ``error``; raises ``SourceUnavailable`` / ``SourceFailed``
        only when nothing can be looked at."""


def clean(value: object) -> str:
    """One cell as text the server stores: no NUL, no lone surrogate, at most TRIAGE_CELL characters."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", " ").encode("utf-8", errors="replace").decode("utf-8")
    if len(text) > L.TRIAGE_CELL:
        text = text[: L.TRIAGE_CELL - 1] + ELLIPSIS
    return text


def result(name: str, columns: Sequence[str], rows: Iterable[Sequence[object]], limit: int,
           error: str = "") -> wire.TriageResult:
    """A result of at most ``limit`` rows (and TRIAGE_ROWS); ``rows`` may hold
    one more to show that the cap was reached."""
    cap = min(limit, L.TRIAGE_ROWS)
    kept: list[list[str]] = []
    truncated = False
    for row in rows:
        if len(kept) == cap:
            truncated = True
            break
        kept.append([clean(cell) for cell in row][: L.TRIAGE_COLUMNS])
    names = [column[: L.TRIAGE_NAME] for column in columns][: L.TRIAGE_COLUMNS]
    return wire.TriageResult(name=name[: L.TRIAGE_NAME], columns=names, rows=kept, truncated=truncated,
                             error=clean(error)[: L.OTHER_TEXT])


def fit(upload: wire.TriageUpload, max_bytes: int = L.MAX_TRIAGE_BYTES) -> wire.TriageUpload:
    """``upload`` within ``max_bytes`` of JSON: the largest result gives up
    half its rows (marked truncated) until the snapshot fits."""
    results = list(upload.results)
    while len(wire.dumps(dataclasses.replace(upload, results=results))) > max_bytes:
        index = max(range(len(results)), key=lambda i: len(results[i].rows), default=None)
        if index is None or not results[index].rows:
            break  # nothing left to drop: the server will say what is too large
        biggest = results[index]
        results[index] = dataclasses.replace(biggest, rows=biggest.rows[: len(biggest.rows) // 2], truncated=True)
    return dataclasses.replace(upload, results=results)
