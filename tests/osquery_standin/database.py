"""The stand-in's tables: an in-memory sqlite database shaped like osquery's.

With specs, every table osquery has on the scenario's platform exists with
the spec's columns (including ``extended_schema`` for that platform) and
nothing else exists, as in osquery without ``--enable_foreign``. Without
specs, ``tests/fixtures/osquery/tables.json`` (our own short column lists)
shapes the tables, all TEXT, and the triage tables come from the project's
own spec copies.

Answers follow osquery's ``queryInternal``: every value a string, NULL as
"" (``--nullvalue``), errors carry sqlite's own message.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Mapping

from tests.osquery_standin.scenarios import FIXTURES, TABLE_PLATFORMS, Rows, Scenario, own_specs_for
from tests.osquery_standin.specs import TableSpec

Columns = list[tuple[str, str]]  # (name, declared type)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_osquery_string(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _schema(
    scenario: Scenario, specs: Mapping[str, TableSpec] | None, include_hidden: bool
) -> dict[str, tuple[Columns, tuple[str, ...]]]:
    """table -> (columns, aliases) for the scenario's platform."""
    if specs is not None:
        # NOTE: sqlite has no HIDDEN for ordinary tables, so hidden columns are
        # left out (SELECT * then matches osquery); naming one fails here.
        return {
            name: ([(c.name, c.sql_type) for c in spec.columns_for(scenario.platform, include_hidden=include_hidden)],
                   spec.aliases)
            for name, spec in specs.items()
        }
    fallback = json.loads((FIXTURES / "tables.json").read_text(encoding="utf-8"))["tables"]
    own = {name: ([(c.name, c.sql_type) for c in spec.columns_for(scenario.platform, include_hidden=include_hidden)],
                  spec.aliases) for name, spec in own_specs_for(scenario.platform).items()}
    return {
        **own,
        **{table: ([(name, "TEXT") for name in columns], ())
           for table, columns in fallback.items()
           if scenario.platform in TABLE_PLATFORMS.get(table, ())},
    }


class StandInDatabase:
    """Thread-safe: the Thrift server answers each connection on its own thread."""

    def __init__(
        self,
        scenario: Scenario,
        specs: Mapping[str, TableSpec] | None,
        *,
        hide_tables: Collection[str] = (),
        hide_columns: Mapping[str, Collection[str]] | None = None,
        include_hidden: bool = False,
    ) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        hide_columns = hide_columns or {}
        self.tables: dict[str, Columns] = {}
        for table, (columns, aliases) in _schema(scenario, specs, include_hidden).items():
            if table in hide_tables:
                continue
            columns = [c for c in columns if c[0] not in hide_columns.get(table, ())]
            self.tables[table] = columns
            self._conn.execute(f"CREATE TABLE {_quote(table)} ({', '.join(f'{_quote(n)} {t}' for n, t in columns)})")
            for alias in aliases:
                self._conn.execute(f"CREATE VIEW {_quote(alias)} AS SELECT * FROM {_quote(table)}")
        for table, rows in scenario.tables.items():
            if table not in hide_tables:
                self._insert(scenario, table, rows, hide_columns.get(table, ()))
        self._conn.commit()

    def _insert(self, scenario: Scenario, table: str, rows: Rows, hidden: Collection[str]) -> None:
        if table not in self.tables:
            raise ValueError(f"scenario {scenario.name}: osquery has no table {table!r} on {scenario.platform}")
        types = dict(self.tables[table])
        for row in rows:
            values = {k: v for k, v in row.items() if k not in hidden}
            unknown = set(values) - set(types)
            if unknown:
                raise ValueError(f"scenario {scenario.name}: {table} has no column(s) {sorted(unknown)}")
            # osquery turns an empty value of a numeric column into NULL.
            params = [None if v == "" and types[k] != "TEXT" else v for k, v in values.items()]
            names = ", ".join(_quote(k) for k in values)
            marks = ", ".join("?" for _ in values)
            self._conn.execute(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", params)

    def query(self, sql: str) -> list[dict[str, str]]:
        """Rows as osquery returns them; raises sqlite3.Error with sqlite's message."""
        with self._lock:
            cursor = self._conn.execute(sql)
            names = [d[0] for d in cursor.description or ()]
            return [{n: _as_osquery_string(v) for n, v in zip(names, row)} for row in cursor.fetchall()]

    def change(self, sql: str, *params: object) -> None:
        """Change the machine's rows (a package removed or upgraded) between two runs."""
        with self._lock:
            self._conn.execute(sql, params)
            self._conn.commit()

    def columns(self, sql: str) -> Columns:
        """Result columns with declared types, as osquery's getQueryColumns."""
        with self._lock:
            self._conn.execute(f"EXPLAIN {sql}")  # prepare only: sqlite's own errors
            view = "_standin_columns"
            self._conn.execute(f"CREATE TEMP VIEW {view} AS {sql}")
            try:
                info = self._conn.execute(f"PRAGMA table_info({view})").fetchall()
            finally:
                self._conn.execute(f"DROP VIEW {view}")
        # NOTE: osquery's planner types expressions; we call them TEXT.
        return [(row[1], row[2] or "TEXT") for row in info]

    def close(self) -> None:
        self._conn.close()
