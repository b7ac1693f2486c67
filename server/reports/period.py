"""Which week a report covers: an ISO week (``2026-W48``), the seven days
ending on a date, or by default the last complete week (Monday to Sunday)."""
from __future__ import annotations

import datetime as dt
import re

from server.errors import InvalidInput
from server.reports.model import Period

ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def ending(day: dt.date) -> Period:
    """The seven days up to and including ``day``."""
    start = day - dt.timedelta(days=6)
    year, week, _ = start.isocalendar()
    return Period(_midnight(start), _midnight(day + dt.timedelta(days=1)), f"{year}-W{week:02d}")


def iso_week(text: str) -> Period:
    found = ISO_WEEK.match(text.strip())
    if not found:
        raise InvalidInput.of("not_iso_week", text=text)
    try:
        monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise InvalidInput.of("no_such_week", text=text) from None
    return ending(monday + dt.timedelta(days=6))


def last_complete(today: dt.date) -> Period:
    """The last Monday-to-Sunday week that has ended before ``today``."""
    return ending(today - dt.timedelta(days=today.isoweekday()))


def previous(period: Period, weeks: int = 1) -> Period:
    return ending(period.last_day - dt.timedelta(days=7 * weeks))
