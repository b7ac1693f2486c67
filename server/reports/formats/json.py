"""JSON for scripts: the report model itself, stable English keys, ISO dates."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json as jsonlib
from typing import Any

from server.reports.model import WeeklyReport


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def render(report: WeeklyReport, lang: str) -> bytes:  # noqa: ARG001 - keys are the same in every language
    data = dataclasses.asdict(report)
    return (jsonlib.dumps(data, default=_plain, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
