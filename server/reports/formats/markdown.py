"""Markdown for chat and wikis (GitHub-flavoured tables)."""
from __future__ import annotations

from tabulate import tabulate

from server.reports.i18n import date_text, phrase
from server.reports.layout import cell_text, period_line, sections, units_line
from server.reports.model import WeeklyReport


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render(report: WeeklyReport, lang: str) -> bytes:
    lines = [f"# {phrase('report_title', lang)}", "", period_line(report, lang) + "  ", units_line(report, lang) + "  ",
             phrase("report_generated", lang, at=date_text(report.generated_at))]
    for section in sections(report, lang):
        lines += ["", f"## {section.title}"]
        for table in section.tables:
            lines.append("")
            if table.title:
                lines += [f"### {_escape(table.title)}", ""]
            for note in table.notes:
                lines.append(f"- {_escape(note)}")
            if table.notes:
                lines.append("")
            if not table.rows:
                lines.append(f"_{phrase('none_this_week', lang)}_")
                continue
            rows = [[_escape(cell_text(c, lang)) for c in row] for row in table.rows]
            for index in table.strong:
                rows[index] = [f"**{c}**" if c else c for c in rows[index]]
            lines.append(tabulate(rows, headers=[_escape(h) for h in table.headers], tablefmt="github",
                                  disable_numparse=True))
    return ("\n".join(lines) + "\n").encode("utf-8")
