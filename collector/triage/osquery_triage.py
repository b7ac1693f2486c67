"""The triage snapshot through osquery: ``queries/triage/*.sql`` that apply
to the host's platform, each once, capped at its ``-- limit:``.

Column order comes from osquery's ``getQueryColumns`` (rows arrive as maps,
whose order osquery does not keep). A query osquery refuses (a table this
agent lacks, e.g. ``authenticode`` on an old one) is a result with its error;
a broken connection fails the whole snapshot, so that the server asks again.
"""
from __future__ import annotations

from collector import wire
from collector.errors import SourceFailed
from collector.osquery_client import OsqueryClient, OsqueryQueryError
from collector.sources.osquery_source import OsquerySource
from collector.triage.interface import TriageRun, TriageSource, result
from queries.loader import Query, QueryFileError, load_triage_queries


def capped_sql(query: Query, limit: int) -> str:
    """The query asking for one row more than ``limit``: the extra row tells the cap was reached."""
    return f"SELECT * FROM ({query.compact_sql.rstrip().rstrip(';')}) LIMIT {limit + 1};"


class OsqueryTriage(TriageSource):
    name = "osquery"

    def __init__(self, source: OsquerySource, platform: str) -> None:
        """``source`` connects to osquery as the inventory did; ``platform``: windows, darwin or linux."""
        self.source = source
        self.platform = platform

    def run(self) -> TriageRun:
        try:
            queries = [q for q in load_triage_queries() if q.applies_to(self.platform)]
        except QueryFileError as exc:  # a packaging mistake, not the PC's
            raise SourceFailed.of("triage_queries_unreadable", error=exc) from exc
        with self.source.client() as client:
            return TriageRun(results=[self._run(client, query) for query in queries])

    @staticmethod
    def _run(client: OsqueryClient, query: Query) -> wire.TriageResult:
        limit = query.limit or 1
        sql = capped_sql(query, limit)
        try:
            columns = list(client.columns(sql))
            rows = client.query(sql)
        except OsqueryQueryError as exc:
            return result(query.name, [], [], limit, error=exc.message)
        return result(query.name, columns, ([row.get(c, "") for c in columns] for row in rows), limit)
