"""The demo's warning letters (``server/data/demo_warnings.csv``), dated from
the demo's ``today``.

The data file is the ordinary warning template with ``{today-21}``-style
dates. Each letter is written out as a template of its own, dated, and read
back by the real parser (:func:`server.feeds.warnings.parse_template`), so
the demo imports exactly what an admin's filled template would give.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from importlib import resources
from pathlib import Path

from server.feeds.interface import FeedError
from server.feeds.warnings import TemplateResult, parse_template

SOURCE = "demo_warnings.csv"
_DAY = re.compile(r"\{today([+-]\d+)?\}")


def _dated(text: str, today: dt.date) -> str:
    def day(found: re.Match[str]) -> str:
        return (today + dt.timedelta(days=int(found[1] or 0))).strftime("%d/%m/%Y")

    return _DAY.sub(day, text)


def letters(today: dt.date) -> list[TemplateResult]:
    """One parsed template per letter, in issue order."""
    text = resources.files("server.data").joinpath(SOURCE).read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    by_number: dict[str, list[list[str]]] = {}
    for row in rows:
        if any(cell.strip() for cell in row):
            by_number.setdefault(row[0], []).append([_dated(cell, today) for cell in row])
    results = []
    with tempfile.TemporaryDirectory(prefix="patchgap-demo-") as folder:
        for index, (_number, group) in enumerate(by_number.items()):
            path = Path(folder) / f"letter-{index}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([header, *group])
            result = parse_template(path)
            if result.problems:
                raise FeedError(f"{SOURCE}: {result.problems[0]}")
            results.append(result)
    return sorted(results, key=lambda r: (r.letters[0].issued_on or today, r.letters[0].number))
