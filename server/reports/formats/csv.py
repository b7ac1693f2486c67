"""CSV: one open host–advisory pair per line, the export users of other tools
keep asking for. UTF-8 with a byte-order mark so Excel shows Vietnamese
correctly; headers in the report's language, dates as ISO."""
from __future__ import annotations

import csv as csvlib
import io

from server.reports.i18n import label
from server.reports.model import WeeklyReport

COLUMNS = ["host", "unit", "advisory", "warning", "severity", "cves", "items", "installed", "install", "deadline",
           "overdue", "exploited", "first_detected"]


def render(report: WeeklyReport, lang: str) -> bytes:
    out = io.StringIO()
    writer = csvlib.writer(out, lineterminator="\r\n")
    writer.writerow([label(c, lang) for c in COLUMNS])
    writer.writerows((row.host, row.unit, row.advisory, row.warning, row.severity, row.cves, row.items,
                      row.installed, row.install, row.deadline.isoformat() if row.deadline else "",
                      "1" if row.overdue else "0", "1" if row.exploited else "0", row.first_detected.isoformat())
                     for row in report.gaps)
    return "\ufeff".encode("utf-8") + out.getvalue().encode("utf-8")
