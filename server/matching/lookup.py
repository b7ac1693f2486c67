"""Reading software rows and affected items by identity, for the engine.

# NOTE: one ``ecosystem = ? AND match_name IN (...)`` query per ecosystem:
# SQLite plans a row-value ``(a, b) IN ((?, ?), ...)`` as a full table scan.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Affected, Software
from server.inventory.distro import FAMILIES
from server.matching.identity import affected_ecosystems_for
from server.matching.rpm_names import BINARY_KEY

CHUNK = 500
OS_ECOSYSTEMS = frozenset({"windows-os"})
# No fixed_kbs: package decisions never read them (Windows builds: os_findings).
ITEM_COLUMNS = (Affected.id, Affected.ecosystem, Affected.match_name, Affected.product, Affected.distro,
                Affected.vers_range, Affected.fixed_version, Affected.needs_review, Affected.advisory_pk,
                Affected.purl)
SOFTWARE_COLUMNS = (Software.id, Software.ecosystem, Software.match_name, Software.version)
# Plus the binary name of rpm rows, which an entry may name them by (rpm_names).
SOFTWARE_BINARY_COLUMNS = (*SOFTWARE_COLUMNS, BINARY_KEY.label("binary"))


def by_identity(session: Session, model: Any, columns: Sequence[Any], identities: Iterable[tuple[str, str]],
                *where: Any) -> list[Any]:
    """Rows of ``model`` (Software or Affected) with these (ecosystem, match name) identities."""
    names: dict[str, set[str]] = defaultdict(set)
    for ecosystem, name in identities:
        names[ecosystem].add(name)
    rows: list[Any] = []
    for ecosystem in sorted(names):
        ordered = sorted(names[ecosystem])
        for start in range(0, len(ordered), CHUNK):
            part = ordered[start : start + CHUNK]
            rows.extend(session.execute(
                select(*columns).where(model.ecosystem == ecosystem, model.match_name.in_(part), *where)))
    return rows


def items_of(session: Session, identities: Iterable[tuple[str, str]], distros: Iterable[str]) -> list[Any]:
    """Items of these identities for any of these host distros (or none)."""
    wanted = {(eco, name) for identity_eco, name in identities for eco in affected_ecosystems_for(identity_eco)}
    releases = sorted({"", *distros, *(f for d in distros for f, members in FAMILIES.items() if d in members)})
    rows = by_identity(session, Affected, ITEM_COLUMNS, wanted, Affected.distro.in_(releases))
    return [row for row in rows if row.ecosystem not in OS_ECOSYSTEMS]
