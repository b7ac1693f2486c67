"""Optional validation against the CSAF 2.0 JSON schema, fully offline.

The schema refers to FIRST's CVSS schemas by URL; every ``*.json`` schema
found under ``schema_dir`` is registered by its ``$id`` (and by that id
without its ``?date`` suffix, which FIRST adds to ``$id`` but not to the
URLs that refer to it), so nothing is ever fetched.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from server.feeds.interface import FeedError, Problem

CSAF_20_ID = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
CVSS_IDS = tuple(f"https://www.first.org/cvss/cvss-v{v}.json" for v in ("2.0", "3.0", "3.1"))
_MAX_REPORTED = 50


def _json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _closest(error: ValidationError) -> ValidationError:
    """For a failed ``oneOf`` (CVSS v3.0 or v3.1), the error of the branch that nearly fit."""
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    if not branches:
        return error
    return _closest(min(branches.values(), key=len)[0])


def load_registry(folders: list[Path]) -> tuple[Registry, dict[str, Any]]:
    """A registry of every schema under ``folders``, and the schemas by id."""
    resources: list[tuple[str, Resource]] = []
    by_id: dict[str, Any] = {}
    for file in sorted(f for folder in folders for f in folder.rglob("*.json")):
        try:
            contents = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(contents, dict):
            continue
        uri = contents.get("$id") or contents.get("id")
        if not isinstance(uri, str) or not uri.startswith("http"):
            continue
        try:
            resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        except Exception:  # noqa: BLE001 - an unknown meta-schema: treat as 2020-12
            resource = DRAFT202012.create_resource(contents)
        for key in {uri, uri.split("?", 1)[0].rstrip("#")}:
            resources.append((key, resource))
            by_id[key] = contents
    return Registry().with_resources(resources), by_id


class Validator:
    """Checks decoded documents against the CSAF 2.0 schema.

    ``schema_dir`` holds ``csaf-2.0/`` and ``first/`` (FIRST's CVSS schemas),
    or is ``csaf-2.0/`` itself beside ``first/``. Problems are warnings unless
    ``strict``, then they are fatal. Raises :class:`FeedError` when a schema
    is missing.
    """

    def __init__(self, schema_dir: Path, strict: bool = False) -> None:
        folders = [schema_dir]
        if (schema_dir / "csaf_json_schema.json").is_file() and (schema_dir.parent / "first").is_dir():
            folders.append(schema_dir.parent / "first")  # given csaf-2.0/ itself: its sibling first/
        registry, by_id = load_registry(folders)
        schema = by_id.get(CSAF_20_ID)
        if schema is None:
            raise FeedError(f"CSAF 2.0 schema ({CSAF_20_ID}) not found under {schema_dir}")
        missing = [url for url in CVSS_IDS if url not in by_id]
        if missing:
            raise FeedError(f"CVSS schemas {missing} not found under {schema_dir}")
        self._validator = Draft202012Validator(schema, registry=registry)
        self.strict = strict

    def check(self, document: Any, file: str) -> list[Problem]:
        """Schema problems of ``document`` (at most 50, then a count of the rest)."""
        problems: list[Problem] = []
        try:
            errors = sorted(self._validator.iter_errors(document), key=lambda e: repr(list(e.absolute_path)))
        except Unresolvable as exc:  # a $ref outside the registry: never fetched
            return [Problem(file, f"schema: reference not available offline: {exc}"[:300], "$", fatal=self.strict)]
        for error in errors[:_MAX_REPORTED]:
            leaf = _closest(error)
            problems.append(Problem(file, f"schema: {leaf.message[:300]}",
                                    _json_path(leaf.absolute_path), fatal=self.strict))
        if len(errors) > _MAX_REPORTED:
            problems.append(Problem(file, f"schema: {len(errors) - _MAX_REPORTED} more errors",
                                    "$", fatal=self.strict))
        return problems
