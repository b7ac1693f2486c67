"""Configured feeds (``feeds add|list|sync``). Parsing is the feeds' job;
this module runs each sync, records what it did and what the feed holds, and
keeps the last good data when a sync fails. One-off imports are in
``server.advisories.files``.

A sync has Fleet's three steps: one short transaction reads the feed into a
:class:`FeedConfig`; the fetch (``server.advisories.feedfetch``) fills the
cache with no transaction open; one short transaction imports what was
fetched and records the outcome. A failure is recorded in a transaction of
its own, and each feed succeeds or fails on its own.

NOTE: no transaction may span network I/O. On SQLite a deferred transaction
that read before a download fails at its first write, at once, with
"database is locked" when another connection committed meanwhile (the busy
timeout never applies to that case); an immediate one would hold the write
lock, and so every collector's report, for the whole download.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.advisories.feedfetch import FeedConfig, Fetched, fetch
from server.advisories.files import FeedOptions, documents, import_paths
from server.advisories.importer import ImportSummary, Progress, import_documents
from server.db.models import Feed
from server.errors import InvalidInput, NotFound, PatchgapError
from server.feeds.interface import FeedError, Parsed
from server.feeds.registry import KINDS

Transaction = Callable[[], AbstractContextManager[Session]]
# What fails one feed's sync without stopping the next one.
SYNC_ERRORS = (FeedError, PatchgapError, OSError, SQLAlchemyError)


@dataclass(frozen=True)
class Outcome:
    """One feed's sync: its import summary, or why it failed."""

    name: str
    summary: ImportSummary | None = None
    error: str = ""


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


def read_config(feed: Feed) -> FeedConfig:
    """The feed as a value that outlives its transaction."""
    state = copy.deepcopy(feed.state or {})
    options = state.get("options", {})
    return FeedConfig(
        name=feed.name, kind=feed.kind, location=feed.location,
        options=FeedOptions(Path(options["schema_dir"]) if options.get("schema_dir") else None,
                            bool(options.get("strict"))),
        public_key=Path(options["public_key"]) if options.get("public_key") else None,
        state=MappingProxyType(state), held=(feed.documents, feed.advisories))


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


def sync(transaction: Transaction, name: str, cache_root: Path, now: dt.datetime,
         progress: Progress | None = None, reading: Transaction | None = None) -> Outcome:
    """Sync the feed ``name``: read (in ``reading``, a read-only transaction,
    when given), fetch (no transaction open), import. A failure is recorded
    and returned, never raised."""
    try:
        with (reading or transaction)() as session:
            config = read_config(get_feed(session, name))
        fetched = fetch(config, cache_root)
        with transaction() as session:
            return Outcome(name, store(session, config, fetched, now, progress))
    except SYNC_ERRORS as exc:
        error = _message(exc)
    try:
        with transaction() as session:
            record_failure(get_feed(session, name), error, now)
    except SYNC_ERRORS as exc:
        error += f" (the failure could not be recorded: {_message(exc)})"
    return Outcome(name, error=error)


def _message(exc: Exception) -> str:
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {getattr(exc, 'orig', None) or exc}"
    return str(exc)


def store(session: Session, config: FeedConfig, fetched: Fetched, now: dt.datetime,
          progress: Progress | None = None) -> ImportSummary:
    """Import what the fetch left on disk and record the good sync."""
    feed = get_feed(session, config.name)
    if fetched.provider is not None:
        return _store_csaf(session, feed, config, fetched, now, progress)
    if fetched.unchanged:
        summary = ImportSummary()
        record_success(feed, summary, now, {}, held=config.held)
        feed.last_status = "ok, unchanged"
        return summary
    summary = import_paths(session, list(fetched.paths), config.kind, now, config.options, progress)
    record_success(feed, summary, now, dict(fetched.state))
    return summary


def _store_csaf(session: Session, feed: Feed, config: FeedConfig, fetched: Fetched, now: dt.datetime,
                progress: Progress | None) -> ImportSummary:
    """A provider sync fetches only new or changed documents; the feed keeps
    how many advisories each held document gave, so ``feeds list`` counts
    what the feed holds, not what the last sync fetched."""
    result = fetched.provider
    assert result is not None
    url_of = {entry.get("path"): url for url, entry in result.state.items()}
    held = {url: n for url, n in config.state.get("held", {}).items() if url in result.state}

    def counted(parsed_documents: Iterator[Parsed]) -> Iterator[Parsed]:
        for parsed in parsed_documents:
            held[url_of.get(parsed.source_file, parsed.source_file)] = len(parsed.advisories) if parsed.ok else 0
            yield parsed

    jobs = [("csaf", path) for path in result.documents]
    summary = import_documents(session, counted(documents(jobs, config.options)), now, progress, total=len(jobs))
    summary.problems[:0] = result.problems
    # Documents rejected before parsing (hash, signature, not found) are skipped too.
    summary.skipped += len({p.file for p in result.problems if p.fatal})
    summary.unchanged_documents = result.unchanged
    record_success(feed, summary, now, {"documents": result.state, "held": held},
                   held=(len(result.state), sum(held.values())))
    return summary
