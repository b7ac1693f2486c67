"""osquery's result log items as updates of one query's rows.

osqueryd logs each scheduled run of a query as one item (the fields its
filesystem logger writes, plus ``log_type`` on the request): ``name``,
``hostIdentifier``, ``calendarTime``, ``unixTime``, ``epoch``, ``counter``,
``numerics``, ``decorations`` and then either

- ``snapshot`` (``action: "snapshot"``): every row, for a snapshot query;
- ``diffResults: {added, removed}``: a differential query's change, batched
  (``--log_result_events=false``);
- ``columns`` with ``action: "added"|"removed"``: the same change, one row per
  item (osquery's default event format).

A differential run with ``counter`` 0 is the first of its epoch: its
``added`` rows are the whole result, a baseline. Later runs apply on top of
that epoch's rows only. osqueryd logs nothing for a run without changes, so
a first run with no rows leaves no baseline: such a query counts as not yet
answered until a snapshot or the next epoch (patchgap's own schedule uses
snapshots only; differentials come from schedules an admin adds). Pure
functions: :mod:`.store` keeps the rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from collector import limits
from server.api.problems import ApiError
from server.osquery_remote import bodies

Row = dict[str, str]
MAX_ITEMS = 50_000  # log lines of one request (osqueryd sends at most --logger_tls_max_lines, 1024)


@dataclass
class Result:
    """One run of one query: ``snapshot`` (all rows) or a change (``added``/``removed``)."""

    query: str
    collected_at: dt.datetime
    epoch: int = 0
    counter: int = 0
    snapshot: list[Row] | None = None
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    # An answer outside osqueryd's schedule (a distributed query): it leaves
    # the scheduled query's differential state (epoch, counter) as it was.
    off_schedule: bool = False

    @property
    def baseline(self) -> bool:
        """A complete result: a snapshot, or the first differential run of an epoch."""
        return self.snapshot is not None or self.counter == 0


def query_name(name: str, known: frozenset[str] | set[str]) -> str | None:
    """Our query name for osquery's ``name``: the schedule's own, or the same
    query run from a pack (``pack_<pack>_<query>``, ``pack/<pack>/<query>``);
    None for a query that is not ours."""
    if name in known:
        return name
    if name.startswith("pack"):
        for query in known:
            if name.endswith(("_" + query, "/" + query)):
                return query
    return None


def collected_at(item: dict[str, Any], path: str, now: dt.datetime) -> dt.datetime:
    """When osqueryd ran the query; the server's clock when the PC's is off
    (ahead of the server, or before 2000): such a date would freeze the host's
    inventory, and results are never refused for it."""
    seconds = bodies.whole(item.get("unixTime"), f"{path}.unixTime", default=0)
    try:
        at = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return now
    if at > now + limits.MAX_FUTURE_SKEW or at < limits.EARLIEST:
        return now
    return at


def parse(data: list[Any], known: frozenset[str] | set[str], now: dt.datetime,
          max_rows: int) -> tuple[list[Result], int]:
    """(our queries' results in the order logged, how many items were of other
    queries). Consecutive event-format items of one run form one change."""
    found: list[Result] = []
    others = 0
    for index, item in enumerate(data):
        path = f"log.data[{index}]"
        if not isinstance(item, dict):
            raise ApiError(422, f"{path}: a log item is not an object")
        name = query_name(bodies.text(item, "name", path, 255), known)
        if name is None:
            others += 1
            continue
        run = Result(name, collected_at(item, path, now), bodies.whole(item.get("epoch"), f"{path}.epoch"),
                     bodies.whole(item.get("counter"), f"{path}.counter"))
        action = item.get("action")
        if "snapshot" in item:
            run.snapshot = bodies.rows(item["snapshot"], f"{path}.snapshot", max_rows)
        elif "diffResults" in item:
            diff = bodies.obj(item, "diffResults", path, required=True)
            run.added = bodies.rows(diff.get("added", []), f"{path}.diffResults.added", max_rows)
            run.removed = bodies.rows(diff.get("removed", []), f"{path}.diffResults.removed", max_rows)
        elif action in ("added", "removed") and "columns" in item:
            row = bodies.row(item["columns"], f"{path}.columns")
            last = found[-1] if found else None
            if (last is not None and last.snapshot is None and
                    (last.query, last.epoch, last.counter, last.collected_at) ==
                    (run.query, run.epoch, run.counter, run.collected_at)):
                run = last  # the next row of the same run
            else:
                found.append(run)
            (run.added if action == "added" else run.removed).append(row)
            continue
        else:
            raise ApiError(422, f"{path}: neither snapshot, diffResults nor columns with action added/removed")
        found.append(run)
    return found, others
