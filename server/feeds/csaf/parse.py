"""The CSAF feed: a document, or a folder of them, -> :class:`Parsed` values.

A folder is walked recursively for ``*.json``; the distribution files that
sit beside documents on a provider (provider-metadata, ROLIE feeds, service
and category documents, aggregator lists) are recognised and passed over.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from server.feeds.csaf.document import parse_document
from server.feeds.csaf.lenient import load_json
from server.feeds.interface import Feed, Parsed, Problem
from server.feeds.limits import TooLarge, read_document

# Top-level keys of the CSAF distribution files that are not advisories.
_DISTRIBUTION_KEYS = (
    ("feed", "rolie-feed"),
    ("service", "rolie-service"),
    ("categories", "rolie-category"),
    ("aggregator", "aggregator"),
    ("csaf_providers", "aggregator"),
    ("distributions", "provider-metadata"),
)


def classify(value: Any) -> str:
    """``csaf``, a distribution file kind (``rolie-feed``, ``provider-metadata``...) or ``unknown``."""
    if not isinstance(value, dict):
        return "unknown"
    if "document" in value:
        return "csaf"
    for key, kind in _DISTRIBUTION_KEYS:
        if key in value:
            return kind
    if "canonical_url" in value and "metadata_version" in value:
        return "provider-metadata"
    return "unknown"


def parse_bytes(data: bytes, source: str, validator: Any = None) -> Parsed | None:
    """Parse one document's bytes; None when it is a distribution file.

    ``validator`` is an optional :class:`server.feeds.csaf.validate.Validator`.
    """
    value, problem = load_json(data, source)
    if problem is not None:
        return Parsed(source_file=source, problems=[problem])
    kind = classify(value)
    if kind not in ("csaf", "unknown"):
        return None
    if kind == "unknown":
        what = type(value).__name__ if not isinstance(value, dict) else "object without 'document'"
        return Parsed(source_file=source, problems=[
            Problem(source, f"not a CSAF document (JSON {what})", "$")])
    try:
        parsed = parse_document(value, source)
    except Exception as exc:  # noqa: BLE001 - last line of defence: a document never crashes a sync
        return Parsed(source_file=source, problems=[
            Problem(source, f"internal error while reading the document: {type(exc).__name__}: {exc}")])
    if validator is not None:
        parsed.problems.extend(validator.check(value, source))
        if not parsed.ok:
            parsed.advisories.clear()
    return parsed


def iter_documents(path: Path) -> Iterator[Path]:
    """``path`` itself, or every ``*.json`` below it in a stable order."""
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.suffix.lower() == ".json" and p.is_file())
    else:
        yield path


class CsafFeed(Feed):
    """CSAF 2.0 advisories and VEX documents from a file or a folder.

    ``schema_dir`` (a folder holding ``csaf-2.0/`` and FIRST's CVSS schemas in
    ``first/``, or ``csaf-2.0/`` itself beside ``first/``) turns on offline
    schema validation; its findings are warnings unless ``strict``, when they
    make the document unusable.
    """

    kind = "csaf"

    def __init__(self, schema_dir: Path | None = None, strict: bool = False) -> None:
        self._validator: Any = None
        if schema_dir is not None:
            from server.feeds.csaf.validate import Validator

            self._validator = Validator(schema_dir, strict=strict)

    def parse(self, path: Path) -> Iterator[Parsed]:
        """One :class:`Parsed` per CSAF document under ``path``."""
        if not path.exists():
            yield Parsed(source_file=str(path), problems=[Problem(str(path), "no such file or folder")])
            return
        for file in iter_documents(path):
            try:
                data = read_document(file)
            except OSError as exc:
                yield Parsed(source_file=str(file), problems=[
                    Problem(str(file), f"cannot read: {exc.strerror or exc}")])
                continue
            except TooLarge as exc:
                yield Parsed(source_file=str(file), problems=[Problem(str(file), str(exc))])
                continue
            parsed = parse_bytes(data, str(file), self._validator)
            if parsed is not None:
                yield parsed
