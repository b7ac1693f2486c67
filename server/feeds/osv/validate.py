"""Optional validation of OSV records against the OSV JSON schema, offline.

The schema is read from a folder holding ``schema.json`` (a copy of
https://github.com/ossf/osv-schema/blob/main/validation/schema.json); nothing is
fetched. Violations are warnings, or fatal problems with ``strict=True``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import SchemaError

from server.feeds.interface import FeedError, Problem

SCHEMA_FILE = "schema.json"
MAX_REPORTED = 10  # violations listed one by one per record; the rest are counted


class OsvSchema:
    """The OSV schema, loaded once and applied to many records."""

    def __init__(self, schema_dir: Path, strict: bool = False) -> None:
        path = Path(schema_dir) / SCHEMA_FILE
        try:
            schema = json.loads(path.read_bytes())
            cls = validators.validator_for(schema)
            cls.check_schema(schema)
        except (OSError, ValueError, SchemaError) as exc:
            raise FeedError(f"{path}: cannot load the OSV schema: {exc}") from exc
        self._validator = cls(schema)
        self.strict = strict

    def check(self, data: Any, source_file: str) -> list[Problem]:
        """Schema violations of one decoded record, sorted by JSON path."""
        errors = sorted(self._validator.iter_errors(data), key=lambda e: (e.json_path, e.message))
        problems = [
            Problem(source_file, f"schema: {_short(e.message)}", e.json_path, fatal=self.strict)
            for e in errors[:MAX_REPORTED]
        ]
        if len(errors) > MAX_REPORTED:
            more = f"schema: {len(errors) - MAX_REPORTED} more violations"
            problems.append(Problem(source_file, more, "$", fatal=self.strict))
        return problems


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
