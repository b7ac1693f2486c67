"""The fetch step of a feed sync: bring the feed's files into the local cache.

It works on a :class:`FeedConfig` value, never on a database session: a
download may take minutes, and no transaction may be open meanwhile (see
``server.advisories.feedsync``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from server.advisories.files import FeedOptions
from server.feeds.interface import FeedError

if TYPE_CHECKING:  # the CSAF modules load only when a CSAF feed is synced
    from server.feeds.csaf.provider import SyncResult


@dataclass(frozen=True)
class FeedConfig:
    """A configured feed as read in one short transaction: what to fetch, how
    to parse it, and the state of the last good sync."""

    name: str
    kind: str
    location: str
    options: FeedOptions = FeedOptions()
    public_key: Path | None = None
    state: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    held: tuple[int, int] = (0, 0)  # documents, advisories the feed holds

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Fetched:
    """What the fetch left for the import step."""

    paths: tuple[Path, ...] = ()
    unchanged: bool = False  # HTTP 304: the cached copy is current, nothing to import
    state: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # recorded on success
    provider: SyncResult | None = None  # a CSAF provider's sync: documents, problems, state


def fetch(config: FeedConfig, cache_root: Path) -> Fetched:
    """Fetch one feed into ``cache_root/<name>``. Raises :class:`FeedError`
    (or ``OSError``) when nothing usable came back."""
    cache = cache_root / config.name
    if config.is_url:
        _check_url(config.location)
    if config.kind == "csaf":
        return _fetch_csaf(config, cache)
    if config.is_url:
        from server.advisories.download import download

        path, validators, changed = download(config.location, cache, dict(config.state.get("http", {})))
        return Fetched((path,), state={"http": validators}) if changed else Fetched(unchanged=True)
    return Fetched((Path(config.location),))


def _check_url(url: str) -> None:
    """A configured URL that cannot be parsed fails its own feed, not the sync."""
    try:
        urlsplit(url)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:  # NOTE: httpx.InvalidURL is no ValueError
        raise FeedError(f"{url}: not a valid URL: {exc}") from None


def _fetch_csaf(config: FeedConfig, cache: Path) -> Fetched:
    from server.feeds.csaf.provider import sync_provider

    source: str | Path = config.location if config.is_url else Path(config.location)
    result = sync_provider(source, cache, config.state.get("documents"), public_key=config.public_key)
    fatal = [p for p in result.problems if p.fatal]
    if fatal and not (result.documents or result.state or result.unchanged):
        raise FeedError("; ".join(p.reason if p.file in p.reason else f"{p.file}: {p.reason}" for p in fatal))
    return Fetched(provider=result)
