"""One-off imports (``feeds import``): which parser reads which file.

Admins of air-gapped sites copy whatever they have: folders mixing CSAF, OSV,
KEV, NVD and MSRC files with schemas, listings and notes. Each file is
recognised by its content; the ones that are no advisory are said so, a
``.json`` that does not even parse is a broken document. Each kind is stored
on its own so the summary can count per kind.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from server.advisories.importer import ImportSummary, Progress, finish, store_documents
from server.advisories.store import StoreResult
from server.errors import InvalidInput
from server.feeds.interface import FeedError, Parsed, Problem
from server.feeds.limits import TooLarge, read_document
from server.feeds.registry import KINDS, feed_for, sniff, walk


@dataclass(frozen=True)
class FeedOptions:
    schema_dir: Path | None = None
    strict: bool = False


def plan(paths: list[Path], kind: str | None) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """(kind, path) pairs to parse, and the files that are none of ours."""
    if kind:
        return [(kind, path) for path in paths], []
    jobs: list[tuple[str, Path]] = []
    skipped: list[Problem] = []
    msrc_folders: dict[Path, None] = {}
    for file in walk(paths):
        found = sniff(file)
        if found == "msrc":
            # Security Update Guide pages of one folder form one document.
            msrc_folders.setdefault(file.parent)
        elif found in KINDS:
            jobs.append((found, file))
        elif found == "csaf-directory":
            skipped.append(Problem(str(file), "CSAF provider metadata, ROLIE feed or aggregator: not an advisory; "
                                   "`feeds add --kind csaf` reads it on sync", fatal=False))
        elif found is None and file.suffix.lower() in (".json", ".xml", ".zip", ".gz", ".csv"):
            skipped.append(_unknown(file))
    jobs.extend(("msrc", folder) for folder in msrc_folders)
    return jobs, skipped


def _unknown(file: Path) -> Problem:
    """A file no feed claims. Valid JSON of another kind is only noted; a
    ``.json`` that does not parse is a broken document (cut short by a copy)."""
    if file.name == "changes.csv":
        return Problem(str(file), "CSAF directory listing: `feeds add --kind csaf` reads it on sync", fatal=False)
    if file.suffix.lower() == ".json":
        try:
            json.loads(read_document(file))
        except (ValueError, RecursionError) as exc:
            return Problem(str(file), f"not valid JSON: {exc}", "$")
        except OSError as exc:
            return Problem(str(file), f"cannot read: {exc.strerror or exc}")
        except TooLarge as exc:
            return Problem(str(file), str(exc))
    return Problem(str(file), "not a feed document patchgap knows (csaf, osv, kev, nvd, msrc)", fatal=False)


def documents(jobs: list[tuple[str, Path]], options: FeedOptions) -> Iterator[Parsed]:
    feeds = {}
    for kind, path in jobs:
        if kind not in feeds:
            feeds[kind] = feed_for(kind, options.schema_dir, options.strict)
        try:
            yield from feeds[kind].parse(path)
        except FeedError as exc:
            yield Parsed(str(path), problems=[Problem(str(path), str(exc))])


def import_paths(
    session: Session,
    paths: list[Path],
    kind: str | None,
    now: dt.datetime,
    options: FeedOptions = FeedOptions(),
    progress: Progress | None = None,
) -> ImportSummary:
    """Import files, folders or archives copied in by hand."""
    if kind and kind not in KINDS:
        raise InvalidInput(f"unknown feed kind {kind!r} (one of {', '.join(KINDS)})")
    jobs, skipped = plan(paths, kind)
    broken = sum(1 for problem in skipped if problem.fatal)
    summary = ImportSummary(documents=broken, skipped=broken, problems=skipped)
    results: list[StoreResult] = []
    for name in sorted({k for k, _ in jobs}):
        mine = [job for job in jobs if job[0] == name]
        part, stored = store_documents(session, documents(mine, options), now, _offset(progress, summary.documents),
                                       total=len(jobs))
        summary.add(name, part)
        results.extend(stored)
    finish(session, summary, results, now)
    return summary


def _offset(progress: Progress | None, done: int) -> Progress | None:
    """Progress of one kind's documents, counted on from the kinds before."""
    if progress is None:
        return None
    return lambda count, total: progress(done + count, total)
