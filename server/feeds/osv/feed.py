"""The OSV feed: a record, a folder of records, or OSV's per-ecosystem zips.

OSV publishes ``https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip``
with one JSON file per record. Archives are read member by member, streaming,
never extracted to disk. A document inside an archive is named
``<archive>!<member>`` in :class:`Parsed` and :class:`Problem`.
"""
from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from server.feeds.interface import Feed, FeedError, Parsed, Problem
from server.feeds.limits import TooLarge, check_size, read_bounded, read_document
from server.feeds.osv.record import decode, parse_record
from server.feeds.osv.validate import OsvSchema

_SUFFIXES = (".json", ".zip")
# NOTE: zipfile reports damage through many exception types (CRC and header
# errors, zlib/lzma stream errors, truncation, encryption, unknown methods).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError,
               OSError, EOFError, RuntimeError, ValueError)


class OsvFeed(Feed):
    """OSV records (https://ossf.github.io/osv-schema/) -> normalised advisories.

    With ``schema_dir`` every record is also checked against the OSV JSON
    schema found there (offline): violations are warnings, or skip the record
    when ``strict`` is set.
    """

    kind = "osv"

    def __init__(self, schema_dir: Path | None = None, strict: bool = False) -> None:
        self._schema = OsvSchema(schema_dir, strict) if schema_dir is not None else None

    def parse(self, path: Path) -> Iterator[Parsed]:
        """One :class:`Parsed` per record: a ``.json`` file, every ``.json``
        and ``.zip`` under a folder (recursively, sorted), or a ``.zip``."""
        path = Path(path)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.suffix.lower() in _SUFFIXES):
                if child.is_file():
                    yield from self._file(child)
        elif path.is_file():
            yield from self._file(path)
        else:
            raise FeedError(f"{path}: no such file or folder")

    def _file(self, path: Path) -> Iterator[Parsed]:
        if path.suffix.lower() == ".zip":
            yield from self._archive(path)
            return
        try:
            raw = read_document(path)
        except OSError as exc:
            yield _failed(str(path), f"cannot read: {exc}")
            return
        except TooLarge as exc:
            yield _failed(str(path), str(exc))
            return
        yield self.document(raw, str(path))

    def _archive(self, path: Path) -> Iterator[Parsed]:
        try:
            archive = zipfile.ZipFile(path)
        except _ZIP_ERRORS as exc:
            yield _failed(str(path), f"not a readable zip archive: {exc}")
            return
        with archive:
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".json"):
                    continue
                name = f"{path}!{info.filename}"
                try:
                    check_size(info.file_size)  # as the archive declares it, before decompressing
                    with archive.open(info) as member:
                        raw = read_bounded(member)  # in case the declared size was wrong
                except TooLarge as exc:
                    yield _failed(name, str(exc))
                    continue
                except _ZIP_ERRORS as exc:
                    yield _failed(name, f"damaged archive member: {exc}")
                    continue
                yield self.document(raw, name)

    def document(self, raw: bytes, source_file: str) -> Parsed:
        """Parse one record's bytes (schema-checked when configured)."""
        data, problem = decode(raw, source_file)
        if problem is not None:
            return Parsed(source_file, problems=[problem])
        checked = self._schema.check(data, source_file) if self._schema is not None else []
        if any(p.fatal for p in checked):
            return Parsed(source_file, problems=checked)
        parsed = parse_record(data, source_file)
        parsed.problems[:0] = checked
        return parsed


def _failed(source_file: str, reason: str) -> Parsed:
    return Parsed(source_file, problems=[Problem(source_file, reason)])
