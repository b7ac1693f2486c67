"""A host's stored query rows as the report the collector would send, made by
the collector's own code (``osquery_rows.build_snapshot``, ``build_report``),
so both paths give the same fields for the same rows.

Why whole reports only: a report replaces the host's software, patches and
OS facts (``ingest_report``). A report made before, say, ``programs`` has
answered would remove every program and resolve their findings, to reopen
them an hour later. So a report is assembled only once every query of the
host's platform has answered (or failed on that host, as the collector skips
a failing optional query); from then on each new result makes a report from
the latest rows of all queries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collector import wire
from collector.inventory import build_report
from collector.sources import osquery_rows
from queries.loader import Query
from server.db.models import OsqueryResult
from server.osquery_remote import schedule

SOURCE = "osquery-tls"  # how the host reports: osqueryd alone, through osquery's TLS API
PLATFORM_QUERIES = ("os_version", "osquery_info")


@dataclass(frozen=True)
class Assembly:
    report: wire.Report | None
    missing: tuple[str, ...] = ()  # queries not answered yet, when no report


def platform_of(results: dict[str, OsqueryResult]) -> str | None:
    """windows, linux or darwin, as the collector decides it; None before
    osqueryd has answered the queries that tell."""
    rows = [results[name].rows if name in results else [] for name in PLATFORM_QUERIES]
    if not all(rows):
        return None
    return osquery_rows.host_platform(rows[0][0], rows[1][0])


def needed(platform: str | None) -> dict[str, Query]:
    """The queries a report needs: those of the platform, or every required one
    while the platform is unknown."""
    if platform is None:
        return {name: query for name, query in schedule.inventory_queries().items() if query.required}
    return schedule.applicable(platform)


def assemble(results: dict[str, OsqueryResult]) -> Assembly:
    platform = platform_of(results)
    wanted = needed(platform)
    missing = tuple(sorted(name for name, query in wanted.items()
                           if name not in results or (query.required and not results[name].rows)))
    if platform is None or missing:
        return Assembly(None, missing or tuple(PLATFORM_QUERIES))
    rows = {name: list(results[name].rows) for name in wanted if not results[name].error}
    collected = max(results[name].collected_at for name in wanted)
    snapshot = osquery_rows.build_snapshot(rows)
    return Assembly(build_report(snapshot, SOURCE, collected.astimezone(dt.timezone.utc).replace(microsecond=0)
                                 .isoformat()))
