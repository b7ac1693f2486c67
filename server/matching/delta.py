"""What the two findings refreshes share: software matches (``findings``) and
Windows builds (``os_findings``) write findings with the same columns, count
what they opened and resolved alike, scope statements to the same hosts and
items and pick open findings the same way."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from server.db.models import Finding

# Hosts or affected items bound in one refresh statement.
CHUNK = 1000
COLUMNS = ("host_id", "affected_id", "software_id", "advisory_pk", "matcher", "matched_on",
           "installed_version", "fixed_version", "first_detected")


@dataclass(frozen=True)
class Delta:
    opened: int
    resolved: int


def scoped(query: Any, host_column: Any, affected_column: Any, hosts: Any, affected: Any) -> Any:
    """``query`` narrowed to these hosts and items (None: all)."""
    if hosts is not None:
        query = query.where(host_column.in_(hosts))
    if affected is not None:
        query = query.where(affected_column.in_(affected))
    return query


def still_open(session: Session, by_affected: bool) -> Any:
    """``Finding.resolved_at IS NULL`` for a statement scoped by item (or not)."""
    return open_condition(hides_open(session, by_affected))


def hides_open(session: Session, by_affected: bool) -> bool:
    # On SQLite (never ANALYZEd) an item-scoped statement would walk every
    # open finding by ix_findings_resolved_at instead of the few of the items
    # by ix_findings_affected_id, unless no index can take the condition as its key.
    return by_affected and session.get_bind().dialect.name == "sqlite"


def open_condition(hidden: bool) -> Any:
    return func.coalesce(Finding.resolved_at, None).is_(None) if hidden else Finding.resolved_at.is_(None)
