"""Configured feeds (``feeds add|list|sync``) and one-off imports (``feeds
import``). Parsing is the feeds' job; this module decides which parser reads
which file, records what each sync did, and keeps the last good data when a
sync fails."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.advisories.importer import ImportSummary, Progress, import_documents
from server.db.models import Feed
from server.errors import InvalidInput, NotFound
from server.feeds.interface import FeedError, Parsed, Problem
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
        elif found is None and file.suffix.lower() in (".json", ".xml", ".zip", ".gz", ".csv"):
            skipped.append(Problem(str(file), "not a feed document patchgap knows (csaf, osv, kev, nvd, msrc)",
                                   fatal=False))
    jobs.extend(("msrc", folder) for folder in msrc_folders)
    return jobs, skipped


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
    summary = import_documents(session, documents(jobs, options), now, progress, total=len(jobs))
    summary.problems[:0] = skipped
    return summary


# --- configured feeds ---------------------------------------------------------


def add_feed(session: Session, name: str, kind: str, location: str, options: dict[str, str]) -> Feed:
    if kind not in KINDS:
        raise InvalidInput(f"unknown feed kind {kind!r} (one of {', '.join(KINDS)})")
    if session.scalar(select(Feed).where(Feed.name == name)) is not None:
        raise InvalidInput(f"a feed named {name!r} exists already")
    feed = Feed(name=name, kind=kind, location=location, state={"options": options})
    session.add(feed)
    session.flush()
    return feed


def list_feeds(session: Session) -> list[Feed]:
    return list(session.scalars(select(Feed).order_by(Feed.name)))


def get_feed(session: Session, name: str) -> Feed:
    feed = session.scalar(select(Feed).where(Feed.name == name))
    if feed is None:
        raise NotFound(f"no feed named {name!r} (see `patchgap feeds list`)")
    return feed


def record_success(feed: Feed, summary: ImportSummary, now: dt.datetime, state: dict[str, object]) -> None:
    feed.last_sync_at = now
    feed.last_status = "ok" if not any(p.fatal for p in summary.problems) else "ok, with skipped documents"
    feed.last_error = "; ".join(f"{p.file}: {p.reason}" for p in summary.problems if p.fatal)[:2000]
    feed.documents = summary.documents
    feed.advisories = summary.advisories
    feed.state = {**(feed.state or {}), **state}


def record_failure(feed: Feed, error: str, now: dt.datetime) -> None:
    """The sync failed as a whole: what was stored before stays as it was."""
    feed.last_sync_at = now
    feed.last_status = "failed"
    feed.last_error = error[:2000]


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def sync_feed(
    session: Session, feed: Feed, now: dt.datetime, cache_root: Path, progress: Progress | None = None
) -> ImportSummary:
    """Sync one configured feed. Raises FeedError when the sync fails as a
    whole (the caller records it; nothing stored is touched)."""
    options = (feed.state or {}).get("options", {})
    feed_options = FeedOptions(Path(options["schema_dir"]) if options.get("schema_dir") else None,
                               bool(options.get("strict")))
    cache = cache_root / feed.name
    if feed.kind == "csaf":
        from server.feeds.csaf.provider import sync_provider

        key = Path(options["public_key"]) if options.get("public_key") else None
        source: str | Path = feed.location if is_url(feed.location) else Path(feed.location)
        result = sync_provider(source, cache, (feed.state or {}).get("documents"), public_key=key)
        got_nothing = not (result.documents or result.state or result.unchanged)
        if got_nothing and any(p.fatal for p in result.problems):
            raise FeedError("; ".join(f"{p.file}: {p.reason}" for p in result.problems if p.fatal))
        jobs = [("csaf", path) for path in result.documents]
        summary = import_documents(session, documents(jobs, feed_options), now, progress, total=len(jobs))
        summary.problems[:0] = result.problems
        record_success(feed, summary, now, {"documents": result.state})
        return summary
    if is_url(feed.location):
        from server.advisories.download import download

        path, validators, changed = download(feed.location, cache, (feed.state or {}).get("http", {}))
        if not changed:
            summary = ImportSummary()
            record_success(feed, summary, now, {})
            feed.last_status = "ok, unchanged"
            return summary
        summary = import_paths(session, [path], feed.kind, now, feed_options, progress)
        record_success(feed, summary, now, {"http": validators})
        return summary
    summary = import_paths(session, [Path(feed.location)], feed.kind, now, feed_options, progress)
    record_success(feed, summary, now, {})
    return summary


def problems_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.file].append(problem)
    return grouped
