"""JSON for scripts: the report model itself, stable English keys, ISO dates."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json as jsonlib
from collections.abc import Iterable
from itertools import islice
from typing import Any, BinaryIO

from server.reports.model import GapRow, WeeklyReport


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def write(report: WeeklyReport, lang: str, out: BinaryIO, gaps: Iterable[GapRow]) -> None:  # noqa: ARG001 - keys are the same in every language
    data = dataclasses.asdict(dataclasses.replace(report, gaps=[]))
    text = jsonlib.dumps(data, default=_plain, ensure_ascii=False, indent=2)
    before, after = text.split('"gaps": []', 1)
    # The gap list one compact object a line, as the encoder writes it
    # (", " and ": "): a province has two million pairs, so each line is
    # its template filled with strings quoted by the C escaper.
    quote = jsonlib.encoder.encode_basestring  # type: ignore[attr-defined]
    template = "{" + ", ".join(f'"{f.name}": %s' for f in dataclasses.fields(GapRow)) + "}"
    lines = (template % (
        quote(g.host), quote(g.unit), quote(g.advisory), quote(g.warning), quote(g.severity), quote(g.cves),
        quote(g.items), quote(g.installed), quote(g.install), f'"{g.deadline.isoformat()}"' if g.deadline else "null",
        "true" if g.overdue else "false", "true" if g.exploited else "false", f'"{g.first_detected.isoformat()}"')
        for g in gaps)
    first = next(lines, None)
    if first is None:
        out.write((text + "\n").encode("utf-8"))
        return
    out.write((before + '"gaps": [\n    ' + first).encode("utf-8"))
    for batch in iter(lambda: list(islice(lines, 1_000)), []):
        out.write(("".join(",\n    " + line for line in batch)).encode("utf-8"))
    out.write(("\n  ]" + after + "\n").encode("utf-8"))
