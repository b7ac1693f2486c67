"""Plain text for the terminal and the printer: tabulate tables within 100
columns where the data allows."""
from __future__ import annotations

import textwrap

from tabulate import tabulate

from server.reports.i18n import date_text, phrase
from server.reports.layout import Table, cell_text, period_line, sections, units_line
from server.reports.model import WeeklyReport

HEADER_WIDTH = 12
CELL_WIDTH = 24
FIRST_WIDTH = 36


def _wrapped(text: str, width: int) -> str:
    # Most cells are short: wrapping only the long ones is what keeps a
    # province's report fast (tabulate's own wrapping visits every cell).
    return text if len(text) <= width else "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def _table(table: Table, lang: str) -> list[str]:
    lines = [table.title] if table.title else []
    lines.extend(table.notes[:2] if table.title else [])
    if table.rows:
        # Wrapped headers and long cells keep most tables within 100 columns.
        widths = [FIRST_WIDTH] + [CELL_WIDTH] * (len(table.headers) - 1)
        rows = [[_wrapped(cell_text(c, lang), w) for c, w in zip(row, widths)] for row in table.rows]
        lines.append(tabulate(rows, headers=[_wrapped(h, HEADER_WIDTH) for h in table.headers],
                              tablefmt="simple", disable_numparse=True))
    else:
        lines.append(phrase("none_this_week", lang))
    lines.extend(table.notes[2:] if table.title else table.notes)
    return lines


def render(report: WeeklyReport, lang: str) -> bytes:
    title = phrase("report_title", lang)
    lines = [title, "=" * len(title), period_line(report, lang), units_line(report, lang),
             phrase("report_generated", lang, at=date_text(report.generated_at))]
    for section in sections(report, lang):
        lines += ["", section.title, "-" * len(section.title)]
        for number, table in enumerate(section.tables):
            if number:
                lines.append("")
            lines += _table(table, lang)
    return ("\n".join(lines) + "\n").encode("utf-8")
