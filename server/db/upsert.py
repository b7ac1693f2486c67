"""``INSERT ... ON CONFLICT DO NOTHING`` on both databases: for shared rows
that concurrent transactions may create at the same moment."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_or_skip(session: Session, model: Any, key: list[str]) -> Insert:
    """An insert into ``model`` that skips rows whose ``key`` columns exist
    (on PostgreSQL it first waits for a transaction inserting the same key)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=key)
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing(index_elements=key)
    return insert(model)
