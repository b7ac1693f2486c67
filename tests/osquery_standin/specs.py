"""A reader for osquery's ``.table`` spec DSL.

The specs are Python-call syntax (osquery's own ``gentable.py`` executes
them); we parse them with :mod:`ast` instead and evaluate only literals, so a
spec file can never run code here. Understood: ``table_name(name,
aliases=[...])``, ``schema([Column(...), ForeignKey(...)])`` and
``extended_schema(PLATFORM, [...])``; every other call (description,
attributes, implementation, examples, fuzz_paths) is ignored.
"""
from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from pathlib import Path

# Spec platform names -> the platform names our queries use.
_SPEC_PLATFORMS = {
    "WINDOWS": {"windows"},
    "LINUX": {"linux"},
    "DARWIN": {"darwin"},
    "FREEBSD": {"freebsd"},
    "POSIX": {"linux", "darwin", "freebsd"},
}
# osquery column types -> the declared type sqlite (and getQueryColumns) shows
SQL_TYPES = {"UNSIGNED_BIGINT": "UNSIGNED BIGINT"}


class SpecError(ValueError):
    """A ``.table`` file this parser does not understand."""


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str  # TEXT, INTEGER, BIGINT, UNSIGNED_BIGINT, DOUBLE, BLOB
    hidden: bool = False
    platforms: frozenset[str] | None = None  # None: every platform of the table

    @property
    def sql_type(self) -> str:
        return SQL_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    aliases: tuple[str, ...] = field(default=())

    def columns_for(self, platform: str, *, include_hidden: bool = False) -> list[ColumnSpec]:
        """The columns osquery has on ``platform``; hidden ones only on request."""
        return [
            c for c in self.columns
            if (c.platforms is None or platform in c.platforms) and (include_hidden or not c.hidden)
        ]


def _literal(node: ast.expr) -> object:
    if isinstance(node, ast.Name):
        return node.id  # TEXT, INTEGER, ... are bare names in the DSL
    return ast.literal_eval(node)


def _platforms(node: ast.expr) -> frozenset[str]:
    # Old specs write `lambda: LINUX() or DARWIN()`; new ones a bare name.
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    unknown = names - _SPEC_PLATFORMS.keys()
    if unknown or not names:
        raise SpecError(f"unknown platform in extended_schema: {sorted(unknown)}")
    return frozenset().union(*(_SPEC_PLATFORMS[n] for n in names))


def _columns(node: ast.expr, platforms: frozenset[str] | None) -> list[ColumnSpec]:
    if not isinstance(node, ast.List):
        raise SpecError("schema expects a list of Column(...)")
    columns = []
    for item in node.elts:
        if not (isinstance(item, ast.Call) and isinstance(item.func, ast.Name)):
            raise SpecError(f"unexpected schema entry: {ast.dump(item)[:80]}")
        if item.func.id != "Column":
            continue  # ForeignKey(...) and the like describe, not define
        name, ctype = (_literal(arg) for arg in item.args[:2])
        options = {kw.arg: _literal(kw.value) for kw in item.keywords}
        columns.append(ColumnSpec(str(name), str(ctype), bool(options.get("hidden")), platforms))
    return columns


def parse_spec(text: str, source: str = "<spec>") -> TableSpec:
    with warnings.catch_warnings():
        # NOTE: programs.table has 'C:\Program Files%' (an invalid escape).
        warnings.simplefilter("ignore")
        tree = ast.parse(text, filename=source)
    name, aliases, columns = "", (), []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            raise SpecError(f"{source}: unexpected statement at line {statement.lineno}")
        if call.func.id == "table_name":
            name = str(_literal(call.args[0]))
            aliases = tuple(next((_literal(k.value) for k in call.keywords if k.arg == "aliases"), ()))
        elif call.func.id == "schema":
            columns.extend(_columns(call.args[0], None))
        elif call.func.id == "extended_schema":
            columns.extend(_columns(call.args[1], _platforms(call.args[0])))
    if not name or not columns:
        raise SpecError(f"{source}: no table_name(...) or schema([...])")
    return TableSpec(name, tuple(columns), aliases)


def load_specs(directory: Path) -> dict[str, TableSpec]:
    """Every ``*.table`` in ``directory`` by table name."""
    specs = [parse_spec(p.read_text(encoding="utf-8"), p.name) for p in sorted(directory.glob("*.table"))]
    return {spec.name: spec for spec in specs}
