"""Property: whatever sequence of inventories a differential query sees
(the first not empty: osqueryd logs nothing for an empty first run, see
server/osquery_remote/results.py), osquery's changes (batched, or one event
per row, split across requests anywhere, the first run's included) leave the
stored rows equal to the last inventory, on a real database; an answer to a
distributed query in between does not break the chain."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.db.models import Host, OsqueryResult
from server.inventory.enroll import get_or_create_unit
from server.osquery_remote import results, store

NAMES = ["bash", "curl", "openssl", "vim", "nginx", "tzdata"]
ROW = st.builds(lambda name, version: {"name": name, "version": version, "source": "", "arch": "amd64"},
                st.sampled_from(NAMES), st.sampled_from(["1", "2", "3"]))
INVENTORY = st.lists(ROW, max_size=6, unique_by=lambda r: (r["name"], r["version"]))


def items(inventories: list[list[dict[str, str]]], event_format: bool) -> list[dict]:  # type: ignore[type-arg]
    """osqueryd's log items for a differential query seeing ``inventories`` in turn."""
    logged: list[dict] = []  # type: ignore[type-arg]
    before: list[dict[str, str]] = []
    counter = -1
    for run, rows in enumerate(inventories):
        added = [r for r in rows if r not in before]
        removed = [r for r in before if r not in rows]
        if counter >= 0 and not added and not removed:
            continue
        counter += 1
        head = {"name": "deb_packages", "unixTime": 1_700_000_000 + run, "epoch": 3, "counter": counter}
        if event_format:
            logged += [{**head, "columns": r, "action": "removed"} for r in removed]
            logged += [{**head, "columns": r, "action": "added"} for r in added]
        else:
            logged.append({**head, "diffResults": {"added": added, "removed": removed}})
        before = rows
    return logged


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(first=INVENTORY.filter(bool), later=st.lists(INVENTORY, max_size=5), event_format=st.booleans(),
       cuts=st.lists(st.integers(min_value=0, max_value=40), max_size=3), distributed_at=st.integers(0, 40))
def test_changes_replay_to_the_last_inventory(sessions, first, later, event_format, cuts, distributed_at) -> None:  # type: ignore[no-untyped-def]
    inventories = [first, *later]
    now = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)
    logged = items(inventories, event_format)
    bounds = sorted({0, len(logged), *(c for c in cuts if c < len(logged))})
    with sessions.begin() as session:
        unit = get_or_create_unit(session, "Đơn vị thử")
        host = Host(uuid="property", hostname="p", unit_id=unit.id)
        session.add(host)
        session.flush()
        for start, end in zip(bounds, bounds[1:]):  # one request each
            runs, _ = results.parse(logged[start:end], {"deb_packages"}, now, 50_000)
            if start <= distributed_at < end:
                # An admin's refresh answered in between: the rows osqueryd had then.
                seen = logged[start]["unixTime"] - 1_700_000_000
                current = inventories[max(0, seen - 1)] if start else []
                asked = dt.datetime.fromtimestamp(logged[start]["unixTime"] - 0.5, dt.timezone.utc)
                runs.insert(0, results.Result("deb_packages", asked, snapshot=current, off_schedule=True))
            store.apply(session, host.id, runs, now)
        row = session.get(OsqueryResult, (host.id, "deb_packages"))
        stored = sorted((r["name"], r["version"]) for r in (row.rows if row else []))
        session.rollback()
    assert stored == sorted((r["name"], r["version"]) for r in inventories[-1])
