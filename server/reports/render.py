"""One render function for every listing: table (tabulate), JSON or CSV.
Tables are for people (translated labels, dd/mm/yyyy); JSON and CSV are for
scripts (stable English keys, ISO dates)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from server.inventory import outcomes
from server.reports.i18n import Said, date_text, label, phrase

FORMATS = ("table", "json", "csv")
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
    if fmt == "json":
        return json.dumps([{c: _plain(r.get(c)) for c in columns} for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_plain(row.get(c)) for c in columns])
        return out.getvalue().rstrip("\n")
    if not rows:
        return phrase("no_rows", lang)
    return tabulate(
        [[_cell(row.get(c), lang) for c in columns] for row in rows],
        headers=[label(c, lang) for c in columns],
        tablefmt=tablefmt,
        disable_numparse=True,
    )


def render_facts(facts: dict[str, Any], lang: str = "en") -> str:
    """A key/value block (one host's details)."""
    return tabulate([[label(k, lang), _cell(v, lang)] for k, v in facts.items()], tablefmt="plain")
