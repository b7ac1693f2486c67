"""The configuration osqueryd fetches: the inventory queries of ``queries/``,
the very files the collector runs, scheduled as snapshots at their header's
interval, each limited to its platforms (osquery itself skips a query whose
``platform`` does not name its own). Nothing is written twice: the schedule
is ``queries.loader.build_pack``'s."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from queries.loader import Query, build_pack, load_queries


@lru_cache(maxsize=1)
def inventory_queries() -> dict[str, Query]:
    """The collector's inventory queries by name (read once per process)."""
    return {query.name: query for query in load_queries()}


def config() -> dict[str, Any]:
    """The config answer for an enrolled host."""
    return {"schedule": build_pack(list(inventory_queries().values()))["queries"]}


def waiting_config() -> dict[str, Any]:
    """For a key whose enrollment awaits approval: nothing to run yet; osqueryd
    asks again at its next config refresh."""
    return {"schedule": {}}


def applicable(platform: str) -> dict[str, Query]:
    """The queries that run on ``platform`` (windows, linux, darwin)."""
    return {name: query for name, query in inventory_queries().items() if query.applies_to(platform)}
