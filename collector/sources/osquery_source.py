"""The osquery inventory source: run ``queries/*.sql`` through osqueryd.

Where osquery comes from, in order: the socket given on the command line;
a private osqueryd started from the binary given; otherwise the running
daemon's default socket, else any osqueryd binary found on the machine.

Tables differ between platforms and osquery versions. A query that osquery
refuses (e.g. ``no such table: chocolatey_packages`` on an old agent) is
skipped and recorded in :attr:`OsquerySource.warnings` and the log, never a
crash; only the queries marked ``required`` (host, OS) fail the collection.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from collector.errors import SourceFailed, SourceUnavailable
from collector.i18n import text
from collector.osquery_client import (
    OsqueryClient,
    OsquerydProcess,
    OsqueryQueryError,
    default_socket_path,
    find_osqueryd,
)
from collector.sources import osquery_rows
from collector.sources.interface import Snapshot, Source
from queries.loader import Query, QueryFileError, load_queries

log = logging.getLogger(__name__)

#: answered first: they tell which platform's queries apply
PLATFORM_QUERIES = ("os_version", "osquery_info")


class OsquerySource(Source):
    name = "osquery"

    def __init__(self, socket_path: str | None = None, osqueryd_path: str | None = None, timeout: float = 10.0) -> None:
        self.socket_path = socket_path
        self.osqueryd_path = osqueryd_path
        self.timeout = timeout
        #: why parts of the last inventory are missing, one line each
        self.warnings: list[str] = []

    def collect(self) -> Snapshot:
        self.warnings = []
        try:
            queries = {query.name: query for query in load_queries()}
        except QueryFileError as exc:  # a packaging mistake, not the PC's
            raise SourceFailed.of("osquery_queries_unreadable", error=exc) from exc
        with self.client() as client:
            results = {name: self._run(client, queries[name]) for name in PLATFORM_QUERIES}
            platform = osquery_rows.host_platform(results["os_version"][0], results["osquery_info"][0])
            for query in queries.values():
                if query.name not in results and query.applies_to(platform):
                    results[query.name] = self._run(client, query)
        return osquery_rows.build_snapshot(results)

    @contextmanager
    def client(self) -> Iterator[OsqueryClient]:
        """A connection to osquery (the triage snapshot uses it too); a
        private osqueryd, if one had to be started, stops afterwards."""
        process = self._spawn_if_needed()
        try:
            socket_path = process.start() if process else (self.socket_path or default_socket_path())
            wait = self.timeout if process else 1.0
            with OsqueryClient.connect(socket_path, self.timeout, wait=wait) as client:
                yield client
        finally:
            if process:
                process.stop()

    def _spawn_if_needed(self) -> OsquerydProcess | None:
        if self.socket_path:
            return None
        if self.osqueryd_path:
            return OsquerydProcess(self.osqueryd_path, timeout=self.timeout)
        default = default_socket_path()
        try:
            OsqueryClient.connect(default, self.timeout, wait=0.2).close()
            return None  # a running osqueryd: use it
        except SourceUnavailable:
            binary = find_osqueryd()
        if binary is None:
            raise SourceUnavailable.of("osquery_not_installed", socket=default)
        return OsquerydProcess(binary, timeout=self.timeout)

    def _run(self, client: OsqueryClient, query: Query) -> list[dict[str, str]]:
        try:
            rows = client.query(query.sql)
        except OsqueryQueryError as exc:
            if query.required:
                raise
            warning = text("osquery_query_skipped", name=query.name, error=exc.message)
            log.warning("%s", warning)
            self.warnings.append(warning)
            return []
        if query.required and not rows:
            raise OsqueryQueryError(query.sql, text("osquery_no_rows", name=query.name))
        return rows
