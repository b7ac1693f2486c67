"""Configured feeds (``feeds add|list|sync``). Parsing is the feeds' job;
this module runs each sync, records what it did and what the feed holds, and
keeps the last good data when a sync fails. One-off imports are in
``server.advisories.files``."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.advisories.files import FeedOptions, documents, import_paths
from server.advisories.importer import ImportSummary, Progress, import_documents
from server.db.models import Feed
from server.errors import InvalidInput, NotFound
from server.feeds.interface import FeedError, Parsed
from server.feeds.registry import KINDS


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


def record_success(feed: Feed, summary: ImportSummary, now: dt.datetime, state: dict[str, object],
                   held: tuple[int, int] | None = None) -> None:
    """A good sync. ``feeds list`` shows what the feed holds (``held``:
    documents, advisories), by default everything this sync read."""
    feed.last_sync_at = now
    feed.last_status = "ok" if not any(p.fatal for p in summary.problems) else "ok, with skipped documents"
    feed.last_error = "; ".join(f"{p.file}: {p.reason}" for p in summary.problems if p.fatal)[:2000]
    feed.documents, feed.advisories = held or (summary.documents, summary.advisories)
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
        key = Path(options["public_key"]) if options.get("public_key") else None
        return _sync_csaf(session, feed, now, cache, feed_options, key, progress)
    if is_url(feed.location):
        from server.advisories.download import download

        path, validators, changed = download(feed.location, cache, (feed.state or {}).get("http", {}))
        if not changed:
            summary = ImportSummary()
            record_success(feed, summary, now, {}, held=(feed.documents, feed.advisories))
            feed.last_status = "ok, unchanged"
            return summary
        summary = import_paths(session, [path], feed.kind, now, feed_options, progress)
        record_success(feed, summary, now, {"http": validators})
        return summary
    summary = import_paths(session, [Path(feed.location)], feed.kind, now, feed_options, progress)
    record_success(feed, summary, now, {})
    return summary


def _sync_csaf(session: Session, feed: Feed, now: dt.datetime, cache: Path, options: FeedOptions,
               key: Path | None, progress: Progress | None) -> ImportSummary:
    """A provider sync fetches only new or changed documents; the feed keeps
    how many advisories each held document gave, so ``feeds list`` counts
    what the feed holds, not what the last sync fetched."""
    from server.feeds.csaf.provider import sync_provider

    source: str | Path = feed.location if is_url(feed.location) else Path(feed.location)
    result = sync_provider(source, cache, (feed.state or {}).get("documents"), public_key=key)
    fatal = [p for p in result.problems if p.fatal]
    if fatal and not (result.documents or result.state or result.unchanged):
        raise FeedError("; ".join(p.reason if p.file in p.reason else f"{p.file}: {p.reason}" for p in fatal))
    url_of = {entry.get("path"): url for url, entry in result.state.items()}
    held = {url: n for url, n in (feed.state or {}).get("held", {}).items() if url in result.state}

    def counted(parsed_documents: Iterator[Parsed]) -> Iterator[Parsed]:
        for parsed in parsed_documents:
            held[url_of.get(parsed.source_file, parsed.source_file)] = len(parsed.advisories) if parsed.ok else 0
            yield parsed

    jobs = [("csaf", path) for path in result.documents]
    summary = import_documents(session, counted(documents(jobs, options)), now, progress, total=len(jobs))
    summary.problems[:0] = result.problems
    # Documents rejected before parsing (hash, signature, not found) are skipped too.
    summary.skipped += len({p.file for p in fatal})
    summary.unchanged_documents = result.unchanged
    record_success(feed, summary, now, {"documents": result.state, "held": held},
                   held=(len(result.state), sum(held.values())))
    return summary
