"""Many rows of one table written by the driver's own bulk path, inside the
session's transaction: ``COPY ... FROM STDIN`` on PostgreSQL, the driver's
``executemany`` on SQLite.

SQLAlchemy's executemany builds and type-converts every row's parameters in
Python (and the ORM form adds its bookkeeping on top): for a new host's
1,500 software links that cost several times what writing them costs. Here
each column's value is converted by its own column type once per row, as
SQLAlchemy would, and handed to the driver as it is. No ORM events fire, so
this is for plain link and history rows only.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; returns the count."""
    connection = session.connection()
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    names = ", ".join(table.c[name].name for name in columns)  # KeyError for a column the table lacks
    count = 0
    if dialect.name == "postgresql":
        # psycopg adapts Python values itself (aware datetimes into timestamptz).
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    convert = [_remembered(table.c[name].type.bind_processor(dialect)) for name in columns]
    converted = [tuple(value if process is None else process(value) for process, value in zip(convert, row))
                 for row in rows]
    placeholders = ", ".join("?" for _ in columns)
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({placeholders})", converted)
    finally:
        cursor.close()
    return len(converted)


def _remembered(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """``process`` converting each distinct value once: a batch of links
    shares one timestamp, which would otherwise be formatted per row."""
    if process is None:
        return None
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in seen:
            seen[value] = process(value)
        return seen[value]
    return convert
