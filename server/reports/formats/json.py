"""JSON for scripts: the report model itself, stable English keys, ISO dates."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json as jsonlib
from typing import Any

from server.reports.model import GapRow, WeeklyReport


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def render(report: WeeklyReport, lang: str) -> bytes:  # noqa: ARG001 - keys are the same in every language
    data = dataclasses.asdict(dataclasses.replace(report, gaps=[]))
    text = jsonlib.dumps(data, default=_plain, ensure_ascii=False, indent=2)
    if not report.gaps:
        return (text + "\n").encode("utf-8")
    # The gap list one compact object a line, as the encoder writes it
    # (", " and ": "): a province has two million pairs, so each line is
    # its template filled with strings quoted by the C escaper.
    quote = jsonlib.encoder.encode_basestring  # type: ignore[attr-defined]
    template = "{" + ", ".join(f'"{f.name}": %s' for f in dataclasses.fields(GapRow)) + "}"
    lines = ",\n    ".join(template % (
        quote(g.host), quote(g.unit), quote(g.advisory), quote(g.warning), quote(g.severity), quote(g.cves),
        quote(g.items), quote(g.installed), quote(g.install), f'"{g.deadline.isoformat()}"' if g.deadline else "null",
        "true" if g.overdue else "false", "true" if g.exploited else "false", f'"{g.first_detected.isoformat()}"')
        for g in report.gaps)
    before, after = text.split('"gaps": []', 1)
    return (before + '"gaps": [\n    ' + lines + "\n  ]" + after + "\n").encode("utf-8")
