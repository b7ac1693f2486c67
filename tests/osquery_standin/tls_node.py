"""osqueryd's side of osquery's remote (TLS) API, at the protocol level: what
its ``tls`` enroll, config, logger and distributed plugins send, with the
request bodies osquery's source builds (plugins/remote/enroll/tls_enroll.cpp,
plugins/config/tls_config.cpp, plugins/logger/tls_logger.cpp and buffered.cpp,
osquery/distributed), over real HTTP. Queries run on the stand-in's tables
(:class:`StandInDatabase`), so rows and sqlite's error messages are the ones
the Thrift stand-in gives the collector.

What it does not do: TLS itself (tests speak plain HTTP on loopback), the
timing of osqueryd's schedule (``run_schedule`` runs every query now).
"""
from __future__ import annotations

import gzip
import json
import sqlite3
import time
from typing import Any

import httpx

from tests.osquery_standin.database import StandInDatabase

# osquery's PlatformType mask (osquery/utils/info/platform_type.h), sent as text.
PLATFORM_TYPE = {"linux": "9", "darwin": "21", "windows": "2"}


def platform_matches(filter_: str, platform: str) -> bool:
    """osquery's checkPlatform: a query's ``platform`` names the platforms it runs on."""
    if not filter_ or "any" in filter_ or "all" in filter_:
        return True
    if "posix" in filter_ and platform in ("linux", "darwin"):
        return True
    return platform in filter_


class TlsNode:
    def __init__(self, client: httpx.Client, database: StandInDatabase, platform: str, secret: str, *,
                 host_identifier: str = "", prefix: str = "/api/osquery", compress: bool = False,
                 event_format: bool = False) -> None:
        self.client, self.database, self.platform = client, database, platform
        self.secret, self.prefix, self.compress = secret, prefix, compress
        self.event_format = event_format  # differential queries as one item per row (osquery's default)
        self.host_identifier = host_identifier or self._first("system_info").get("hostname", "")
        self.node_key = ""
        self.schedule: dict[str, dict[str, Any]] = {}
        self.results: list[dict[str, Any]] = []  # buffered result log lines
        self.statuses: list[dict[str, Any]] = []  # buffered status log lines
        self.previous: dict[str, list[dict[str, str]]] = {}  # differential state per query
        self.counters: dict[str, int] = {}
        self.epoch = 0
        self.answers: list[httpx.Response] = []

    # --- the requests ---------------------------------------------------------

    def post(self, endpoint: str, params: dict[str, Any]) -> httpx.Response:
        body = json.dumps(params).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "osquery/5.12.1"}
        if self.compress:
            body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
        response = self.client.post(self.prefix + endpoint, content=body, headers=headers)
        self.answers.append(response)
        if response.status_code == 200 and response.json().get("node_invalid") is True:
            self.node_key = ""  # osqueryd drops its key and enrolls again
        return response

    def _first(self, table: str) -> dict[str, str]:
        rows = self._select(table)
        return rows[0] if rows else {}

    def _select(self, table: str) -> list[dict[str, str]]:
        if table not in self.database.tables:
            return []
        return self.database.query(f"SELECT * FROM {table}")

    def host_details(self) -> dict[str, Any]:
        return {name: self._first(name) for name in ("os_version", "osquery_info", "system_info", "platform_info")}

    def enroll(self) -> httpx.Response:
        response = self.post("/enroll", {"enroll_secret": self.secret, "host_identifier": self.host_identifier,
                                         "platform_type": PLATFORM_TYPE[self.platform],
                                         "host_details": self.host_details()})
        if response.status_code == 200:
            self.node_key = response.json().get("node_key", "")
        return response

    def fetch_config(self) -> httpx.Response:
        response = self.post("/config", {"node_key": self.node_key})
        if response.status_code == 200 and "schedule" in response.json():
            self.schedule = response.json()["schedule"]
        return response

    # --- the schedule and the logger -----------------------------------------

    def _item(self, name: str) -> dict[str, Any]:
        now = time.time()
        return {"name": name, "hostIdentifier": self.host_identifier,
                "calendarTime": time.strftime("%a %b %d %H:%M:%S %Y UTC", time.gmtime(now)),
                "unixTime": int(now), "epoch": self.epoch, "counter": self.counters.get(name, 0),
                "numerics": False, "decorations": {"host_uuid": self._first("system_info").get("uuid", "")}}

    def status_line(self, message: str, severity: int = 0, filename: str = "scheduler.cpp", line: int = 83) -> None:
        now = time.time()
        self.statuses.append({"hostIdentifier": self.host_identifier,
                              "calendarTime": time.strftime("%a %b %d %H:%M:%S %Y UTC", time.gmtime(now)),
                              "unixTime": str(int(now)), "severity": severity, "filename": filename, "line": line,
                              "message": message, "version": "5.12.1", "decorations": {}})

    def run_schedule(self, only: set[str] | None = None) -> None:
        """Run each scheduled query of this platform once, logging as osqueryd does."""
        for name, entry in sorted(self.schedule.items()):
            if only is not None and name not in only:
                continue
            if not platform_matches(entry.get("platform", ""), self.platform):
                continue
            try:
                rows = self.database.query(entry["query"])
            except sqlite3.Error as exc:
                self.status_line(f"Error executing scheduled query {name}: {exc}", severity=2, line=128)
                continue
            self.status_line(f"Executing scheduled query {name}: {entry['query']}", line=96)
            if entry.get("snapshot"):
                self.results.append({**self._item(name), "snapshot": rows, "action": "snapshot"})
            else:
                self._differential(name, rows)

    def _differential(self, name: str, rows: list[dict[str, str]]) -> None:
        before = self.previous.get(name, [])
        added = [row for row in rows if row not in before]
        removed = [row for row in before if row not in rows]
        self.previous[name] = rows
        if name in self.counters and not added and not removed:
            return
        item = self._item(name)
        self.counters[name] = self.counters.get(name, -1) + 1
        item["counter"] = self.counters[name]
        if self.event_format:
            for action, changed in (("removed", removed), ("added", added)):
                self.results.extend({**item, "columns": row, "action": action} for row in changed)
        else:
            self.results.append({**item, "diffResults": {"added": added, "removed": removed}})

    def flush(self, max_lines: int = 1024) -> list[httpx.Response]:
        """Send the buffered logs, results then statuses, ``max_lines`` per
        request; what the server did not take (non-200) stays buffered."""
        sent = []
        for log_type, buffer in (("result", self.results), ("status", self.statuses)):
            while buffer:
                batch = buffer[:max_lines]
                response = self.post("/log", {"node_key": self.node_key, "log_type": log_type, "data": batch})
                sent.append(response)
                if response.status_code != 200 or response.json().get("node_invalid"):
                    break
                del buffer[: len(batch)]
        return sent

    # --- distributed queries -------------------------------------------------

    def distributed(self) -> tuple[httpx.Response, httpx.Response | None]:
        """One distributed read and, when it handed out queries, their write."""
        read = self.post("/distributed/read", {"node_key": self.node_key})
        queries = read.json().get("queries", {}) if read.status_code == 200 else {}
        if not queries:
            return read, None
        answers: dict[str, list[dict[str, str]]] = {}
        statuses: dict[str, int] = {}
        messages: dict[str, str] = {}
        for name, sql in queries.items():
            try:
                answers[name], statuses[name] = self.database.query(sql), 0
            except sqlite3.Error as exc:
                answers[name], statuses[name], messages[name] = [], 1, str(exc)
        write = self.post("/distributed/write", {"node_key": self.node_key, "queries": answers,
                                                 "statuses": statuses, "messages": messages,
                                                 "stats": {name: {"wall_time_ms": 1, "user_time": 0,
                                                                  "system_time": 0, "memory": 0}
                                                           for name in queries}})
        return read, write
