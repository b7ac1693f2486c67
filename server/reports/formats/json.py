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
    # The gap list one compact object a line: a province has two million
    # pairs, and only the C encoder (no indent) writes them in seconds.
    names = [f.name for f in dataclasses.fields(GapRow)]
    encode = jsonlib.JSONEncoder(default=_plain, ensure_ascii=False).encode
    lines = ",\n    ".join(encode({name: getattr(gap, name) for name in names}) for gap in report.gaps)
    before, after = text.split('"gaps": []', 1)
    return (before + '"gaps": [\n    ' + lines + "\n  ]" + after + "\n").encode("utf-8")
