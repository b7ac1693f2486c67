"""The unit tree: province > district > commune > department, any depth.

The table is small (a province has a few hundred units), so the tree is
loaded whole and walked in memory; queries then filter hosts by the unit ids
of a subtree.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Unit
from server.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class UnitNode:
    id: int
    name: str
    code: str
    parent_id: int | None


class UnitTree:
    """All units, with parent and children links."""

    def __init__(self, units: Iterable[UnitNode]) -> None:
        self.nodes = {u.id: u for u in units}
        self.children: dict[int | None, list[int]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.name.casefold()):
            parent = node.parent_id if node.parent_id in self.nodes else None
            self.children.setdefault(parent, []).append(node.id)
        self.by_name = {n.name: n.id for n in self.nodes.values()}

    @classmethod
    def load(cls, session: Session) -> UnitTree:
        return cls(UnitNode(u.id, u.name, u.code, u.parent_id) for u in session.scalars(select(Unit)))

    def find(self, name: str) -> int:
        found = self.by_name.get(name.strip())
        if found is None:
            raise NotFound.of("no_unit", name=name)
        return found

    def walk(self, roots: Iterable[int] | None = None, depth: int = 0) -> Iterator[tuple[UnitNode, int]]:
        """(unit, depth) in tree order: each unit before its children, by name."""
        for unit_id in (self.children.get(None, []) if roots is None else roots):
            yield self.nodes[unit_id], depth
            yield from self.walk(self.children.get(unit_id, []), depth + 1)

    def subtree(self, unit_id: int) -> set[int]:
        """``unit_id`` and every unit under it."""
        found = {unit_id}
        for node, _ in self.walk(self.children.get(unit_id, [])):
            found.add(node.id)
        return found

    def selection(self, names: Iterable[str]) -> set[int] | None:
        """Unit ids meant by ``--unit NAME`` options (each with its subtree),
        or None when no unit was named (all units)."""
        names = list(names)
        if not names:
            return None
        return set().union(*(self.subtree(self.find(name)) for name in names))

    def top(self, names: Iterable[str]) -> list[int]:
        """The units a report starts from: the named ones (each once, none
        inside another named one), else the roots."""
        names = list(names)
        if not names:
            return list(self.children.get(None, []))
        chosen = [self.find(name) for name in names]
        inside = set().union(*(self.subtree(u) - {u} for u in chosen))
        return list(dict.fromkeys(u for u in chosen if u not in inside))


def selected(session: Session, names: Iterable[str]) -> set[int] | None:
    """The unit ids ``--unit NAME`` options mean (each with everything under
    it); None when none was given."""
    names = list(names)
    return UnitTree.load(session).selection(names) if names else None


def _unit(session: Session, name: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.name == name.strip()))
    if unit is None:
        raise NotFound.of("no_unit", name=name)
    return unit


def add_unit(session: Session, name: str, parent: str | None = None, code: str = "") -> Unit:
    name = name.strip()
    if not name:
        raise InvalidInput.of("unit_needs_name")
    if session.scalar(select(Unit).where(Unit.name == name)) is not None:
        raise InvalidInput.of("unit_exists", name=name)
    unit = Unit(name=name, code=code.strip(), parent_id=_unit(session, parent).id if parent else None)
    session.add(unit)
    session.flush()
    return unit


def move_unit(session: Session, name: str, parent: str | None) -> Unit:
    """Put ``name`` under ``parent`` (None: make it a root), refusing cycles."""
    unit = _unit(session, name)
    if parent is None:
        unit.parent_id = None
        return unit
    target = _unit(session, parent)
    if target.id in UnitTree.load(session).subtree(unit.id):
        raise InvalidInput.of("unit_cycle", unit=unit.name, target=target.name)
    unit.parent_id = target.id
    return unit


def rename_unit(session: Session, name: str, new_name: str, code: str | None = None) -> Unit:
    unit = _unit(session, name)
    new_name = new_name.strip()
    if not new_name:
        raise InvalidInput.of("unit_needs_name")
    if new_name != unit.name and session.scalar(select(Unit).where(Unit.name == new_name)) is not None:
        raise InvalidInput.of("unit_exists", name=new_name)
    unit.name = new_name
    if code is not None:
        unit.code = code.strip()
    return unit
