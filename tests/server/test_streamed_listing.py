"""A listing written row by row (``patchgap gaps --format json|csv`` of a
province) is byte for byte what rendering the whole list gives: the JSON a
``json.dumps(rows, indent=2)`` of the list, the CSV one header and one line
a row with no newline after the last; whatever the values hold (newlines,
quotes, Vietnamese, dates, nothing)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

from hypothesis import given, settings, strategies as st

from server.reports.render import render, write_rows

COLUMNS = ["host", "unit", "fixed", "deadline", "overdue"]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.dates().map(lambda d: d),
                   st.text(alphabet=st.sampled_from(list("ab,;\"'\n\r é ữ\t")), max_size=12))
ROWS = st.lists(st.fixed_dictionaries({c: VALUES for c in COLUMNS}), max_size=6)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _whole(rows: list[dict[str, object]], fmt: str) -> str:
    """The listing rendered from the whole list at once, as it used to be."""
    if fmt == "json":
        return json.dumps([{c: _plain(r[c]) for c in COLUMNS} for r in rows], ensure_ascii=False, indent=2)
    lines = io.StringIO()
    writer = csv.writer(lines, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([_plain(r[c]) for c in COLUMNS] for r in rows)
    return lines.getvalue().rstrip("\n")


def _written(rows: list[dict[str, object]], fmt: str) -> str:
    out = io.StringIO()
    write_rows(iter(rows), fmt, COLUMNS, out)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_written_row_by_row_is_the_whole_list_rendered(rows: list[dict[str, object]]) -> None:
    for fmt in ("json", "csv"):
        assert _written(rows, fmt) == _whole(rows, fmt) == render(rows, fmt, "en", COLUMNS)


def test_a_long_listing_crosses_its_batches_unseen() -> None:
    rows = [{"host": f"pc-{n}", "unit": "Xã Đông", "fixed": None, "deadline": dt.date(2026, 12, 1 + n % 28),
             "overdue": n % 3 == 0} for n in range(2_345)]
    for fmt in ("json", "csv"):
        assert _written(rows, fmt) == _whole(rows, fmt)
