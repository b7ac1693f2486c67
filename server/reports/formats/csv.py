"""CSV: one open host–advisory pair per line, the export users of other tools
keep asking for. UTF-8 with a byte-order mark so Excel shows Vietnamese
correctly; headers in the report's language, dates as ISO."""
from __future__ import annotations

import csv as csvlib
import io
from collections.abc import Iterable
from typing import BinaryIO

from server.reports.i18n import label
from server.reports.model import GapRow, WeeklyReport

COLUMNS = ["host", "unit", "advisory", "warning", "severity", "cves", "items", "installed", "install", "deadline",
           "overdue", "exploited", "first_detected"]


def write(report: WeeklyReport, lang: str, out: BinaryIO, gaps: Iterable[GapRow]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        text.write("\ufeff")
        writer = csvlib.writer(text, lineterminator="\r\n")
        writer.writerow([label(c, lang) for c in COLUMNS])
        writer.writerows((row.host, row.unit, row.advisory, row.warning, row.severity, row.cves, row.items,
                          row.installed, row.install, row.deadline.isoformat() if row.deadline else "",
                          "1" if row.overdue else "0", "1" if row.exploited else "0", row.first_detected.isoformat())
                         for row in gaps)
    finally:
        text.flush()
        text.detach()  # ``out`` stays open: it is the caller's
