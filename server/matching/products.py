"""Product rules: which normalised display name is which CPE vendor:product.

The rules are data (``server/matching/rules/products.csv``, shipped with
patchgap), extended by the admin's own files: paths in the environment
variable ``PATCHGAP_PRODUCT_RULES`` (``os.pathsep``-separated) or passed to
:func:`load_rules`. Admin rules are tried first, so they can override ours.

A rule file is CSV with the header ``match,pattern,vendor,product,note``;
lines starting with ``#`` are comments. ``match`` is ``name`` (the whole
normalised name), ``regex`` (must match the whole normalised name) or
``cpe`` (another ``vendor:product`` meaning the same product).
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from server.errors import PatchgapError

ENV_VAR = "PATCHGAP_PRODUCT_RULES"
_COLUMNS = ("match", "pattern", "vendor", "product", "note")
_CPE_FIELD = re.compile(r"[a-z0-9][a-z0-9._+\-]*")


class RulesError(PatchgapError):
    """A product rule file that cannot be used (named with file and line)."""


@dataclass(frozen=True)
class ProductRule:
    match: str
    pattern: str
    vendor: str
    product: str
    note: str = ""
    origin: str = ""  # file:line, for explanations

    @property
    def identity(self) -> str:
        return f"{self.vendor}:{self.product}"


@dataclass
class ProductRules:
    """Rules ready for lookup: exact names, then regexes in file order."""

    exact: dict[str, ProductRule] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], ProductRule]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # cpe vendor:product -> identity
    identities: set[str] = field(default_factory=set)

    def add(self, rule: ProductRule) -> None:
        if rule.match == "name":
            self.exact.setdefault(rule.pattern, rule)
        elif rule.match == "regex":
            self.patterns.append((re.compile(rule.pattern), rule))
        else:
            self.aliases.setdefault(rule.pattern, rule.identity)
        self.identities.add(rule.identity)

    def identify(self, folded_name: str) -> ProductRule | None:
        """The rule for a normalised, accent-folded display name, if any."""
        rule = self.exact.get(folded_name)
        if rule is not None:
            return rule
        for pattern, rule in self.patterns:
            if pattern.fullmatch(folded_name):
                return rule
        return None

    def canonical(self, vendor: str, product: str) -> str:
        """``vendor:product`` through the CPE aliases."""
        key = f"{vendor}:{product}"
        return self.aliases.get(key, key)


def _parse(text: str, origin: str) -> Iterable[ProductRule]:
    lines = [line if not line.lstrip().startswith("#") else "" for line in text.splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header_seen = False
    for row in reader:
        if not row or not any(cell.strip() for cell in row):
            continue
        where = f"{origin}:{reader.line_num}"
        cells = [cell.strip() for cell in row] + [""] * (len(_COLUMNS) - len(row))
        if not header_seen:
            if tuple(c.lower() for c in cells[: len(_COLUMNS)]) != _COLUMNS:
                raise RulesError(f"{where}: the header must be {','.join(_COLUMNS)}")
            header_seen = True
            continue
        yield _rule(cells, where)


def _rule(cells: list[str], where: str) -> ProductRule:
    match, pattern, vendor, product, note = cells[:5]
    match, vendor, product = match.lower(), vendor.lower(), product.lower()
    if match not in ("name", "regex", "cpe"):
        raise RulesError(f"{where}: match must be name, regex or cpe, not {match!r}")
    if not pattern:
        raise RulesError(f"{where}: empty pattern")
    if not (_CPE_FIELD.fullmatch(vendor) and _CPE_FIELD.fullmatch(product)):
        raise RulesError(f"{where}: vendor and product must be CPE 2.3 names, got {vendor!r}:{product!r}")
    if match == "regex":
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulesError(f"{where}: bad regex {pattern!r}: {exc}") from None
    if match == "cpe":
        pattern = pattern.lower()
    return ProductRule(match, pattern, vendor, product, note, where)


def _packaged() -> list[ProductRule]:
    source = resources.files("server.matching") / "rules" / "products.csv"
    return list(_parse(source.read_text(encoding="utf-8"), "products.csv"))


def load_rules(extra_paths: Sequence[str | Path] = ()) -> ProductRules:
    """The packaged rules plus the admin's files (tried first)."""
    rules = ProductRules()
    for path in extra_paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise RulesError(f"cannot read product rules {path}: {exc.strerror or exc}") from None
        for rule in _parse(text, str(path)):
            rules.add(rule)
    for rule in _packaged():
        rules.add(rule)
    return rules


def env_paths() -> tuple[str, ...]:
    return tuple(p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip())


def default_rules() -> ProductRules:
    """The rules in force: packaged plus ``PATCHGAP_PRODUCT_RULES``. Read once
    per process and list of paths; after editing a file, restart and run
    ``rematch.rematch``: it sees the new rules and re-matches what they rename."""
    return _cached(env_paths())


@lru_cache(maxsize=4)
def _cached(paths: tuple[str, ...]) -> ProductRules:
    return load_rules(paths)
