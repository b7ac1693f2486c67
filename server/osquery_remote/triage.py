"""A triage snapshot of an osquery-only host (a botnet list names it, or an
admin asked): the collector's triage queries (``queries/triage``), capped at
their ``-- limit:`` as the collector caps them, go out with an inventory
refresh through distributed queries, and their answers become the upload the
collector would have sent (its own ``result``/``build_upload`` shaping:
cells cleaned and cut, rows capped, the whole under the triage size limit).
Distributed query ids carry a prefix so they never meet inventory queries."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from collector import wire
from collector.triage import build_upload
from collector.triage.interface import TriageRun, result
from collector.triage.osquery_triage import capped_sql
from queries.loader import Query, load_triage_queries
from server.osquery_remote.results import Row

PREFIX = "triage/"
SOURCE = "osquery-tls"


@lru_cache(maxsize=1)
def triage_queries() -> dict[str, Query]:
    return {query.name: query for query in load_triage_queries()}


def to_hand_out(platform: str | None) -> dict[str, str]:
    """Distributed query id -> capped SQL, for the host's platform (every
    query while it is unknown: the others fail there and say so)."""
    return {PREFIX + name: capped_sql(query, query.limit or 1) for name, query in sorted(triage_queries().items())
            if platform is None or query.applies_to(platform)}


def upload(answers: dict[str, list[Row]], failures: dict[str, str], host_uuid: str,
           now: dt.datetime) -> wire.TriageUpload | None:
    """The triage upload from a distributed write's answers (ids with the
    prefix), or None when it holds none."""
    results = []
    for name, query in sorted(triage_queries().items()):
        key = PREFIX + name
        limit = query.limit or 1
        if key in failures:
            results.append(result(name, [], [], limit, error=failures[key]))
        elif key in answers:
            rows = answers[key]
            columns = list(rows[0]) if rows else []
            results.append(result(name, columns, ([row.get(c, "") for c in columns] for row in rows), limit))
    if not results:
        return None
    return build_upload(TriageRun(results=results), host_uuid, SOURCE, now.replace(microsecond=0).isoformat())
