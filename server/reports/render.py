"""One render function for every listing: table (tabulate), JSON or CSV.
Tables are for people (translated labels, dd/mm/yyyy); JSON and CSV are for
scripts (stable English keys, ISO dates)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any, TextIO

from tabulate import tabulate

from server.inventory import outcomes
from server.reports.i18n import Said, date_text, label, phrase

FORMATS = ("table", "json", "csv")
STREAMED = frozenset({"json", "csv"})  # written row by row; a table must see every row first
TRANSLATED_VALUES = frozenset({"critical", "high", "medium", "low", "TOTAL", "interface", "observed", "egress",
                               "affected", "not affected", "not applicable", "not installed"}) | outcomes.SHOWN


def _cell(value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return phrase("yes" if value else "no", lang)
    if isinstance(value, (dt.date, dt.datetime)):
        return date_text(value)
    if value is None:
        return ""
    if isinstance(value, Said):
        return value.said(lang)
    if isinstance(value, str) and value in TRANSLATED_VALUES:
        return phrase(value, lang)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def render(rows: Sequence[dict[str, Any]], fmt: str = "table", lang: str = "en", columns: Sequence[str] | None = None,
           tablefmt: str = "simple") -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt in STREAMED:
        out = io.StringIO()
        write_rows(rows, fmt, columns, out)
        return out.getvalue()
    if not rows:
        return phrase("no_rows", lang)
    return tabulate(
        [[_cell(row.get(c), lang) for c in columns] for row in rows],
        headers=[label(c, lang) for c in columns],
        tablefmt=tablefmt,
        disable_numparse=True,
    )


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str], out: TextIO) -> None:
    """JSON or CSV of ``rows`` written to ``out`` as they come (no final
    newline): what ``render`` gives, for listings too long to hold."""
    if fmt == "json":
        # json.dumps(list, indent=2) a thousand rows at a time, by the C
        # encoder: each part's text between "[\n" and "\n]", joined by ",\n".
        rows = iter(rows)
        out.write("[")
        first = True
        for batch in iter(lambda: list(islice(rows, 1_000)), []):
            text = json.dumps([{c: _plain(r.get(c)) for c in columns} for r in batch], ensure_ascii=False, indent=2)
            out.write(("\n" if first else ",\n") + text[2:-2])
            first = False
        out.write("]" if first else "\n]")
        return
    # Each line's newline is written before the next line: none after the last.
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\n")

    def text(values: list[Any]) -> str:
        line.seek(0)
        line.truncate()
        writer.writerow(values)
        return line.getvalue()[:-1]

    out.write(text(list(columns)))
    for row in rows:
        out.write("\n" + text([_plain(row.get(c)) for c in columns]))


def render_facts(facts: dict[str, Any], lang: str = "en") -> str:
    """A key/value block (one host's details)."""
    return tabulate([[label(k, lang), _cell(v, lang)] for k, v in facts.items()], tablefmt="plain")
