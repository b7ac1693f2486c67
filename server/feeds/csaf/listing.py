"""What a CSAF provider publishes: provider-metadata, directories, ROLIE feeds.

Each distribution becomes a list of :class:`DocRef` (document URL, when it
last changed, where its hash and signature are). Nothing is downloaded
beyond the listings themselves.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from server.feeds.csaf.lenient import Issues, arr, load_json, obj, parse_time, text
from server.feeds.csaf.transport import Fetcher, FetchError


@dataclass(frozen=True)
class DocRef:
    """One document a provider lists."""

    url: str
    updated: str = ""  # ISO 8601 UTC, "" when the listing does not say
    alternatives: tuple[str, ...] = ()  # other URLs to try if ``url`` is missing
    hash_urls: tuple[str, ...] = ()  # from ROLIE links; else url + .sha512 / .sha256
    signature_url: str = ""  # from ROLIE links; else url + .asc


@dataclass(frozen=True)
class Distributions:
    """The listings a provider-metadata.json points at."""

    directories: tuple[str, ...] = ()
    rolie_feeds: tuple[str, ...] = ()


def _stamp(value: Any, path: str, issues: Issues) -> str:
    parsed = parse_time(value, path, issues)
    return parsed.astimezone(dt.timezone.utc).isoformat() if parsed else ""


def read_metadata(value: Any, issues: Issues) -> Distributions:
    """The directory URLs and ROLIE feed URLs of a provider-metadata document."""
    directories, feeds = [], []
    for i, dist in enumerate(arr(obj(value).get("distributions"))):
        data = obj(dist)
        url = text(data.get("directory_url"))
        if url:
            directories.append(url if url.endswith("/") else url + "/")
        for j, feed in enumerate(arr(obj(data.get("rolie")).get("feeds"))):
            feed_url = text(obj(feed).get("url"))
            if feed_url:
                feeds.append(feed_url)
            else:
                issues.warn(f"$.distributions[{i}].rolie.feeds[{j}]", "ROLIE feed without url")
    if not directories and not feeds:
        issues.fatal("$.distributions", "provider metadata lists no directory_url and no ROLIE feed")
    return Distributions(tuple(directories), tuple(feeds))


def entry_urls(directory_url: str, line: str) -> tuple[str, ...]:
    """Candidate URLs of an ``index.txt``/``changes.csv`` path, most likely first.

    # NOTE: CISA lists repository-root paths (``csaf_files/IT/white/2024/x.json``)
    # in the directory ``.../white/``; when the path repeats the tail of the
    # directory's own path, the part after that tail is tried first.
    """
    line = line.strip().lstrip("./")
    if urlsplit(line).scheme in ("http", "https", "file"):
        return (line,)
    verbatim = urljoin(directory_url, line.lstrip("/"))
    dir_parts = [p for p in urlsplit(directory_url).path.split("/") if p]
    parts = [p for p in line.split("/") if p]
    for size in range(min(len(dir_parts), len(parts) - 1), 0, -1):
        tail = dir_parts[-size:]
        for start in range(len(parts) - size):
            if parts[start:start + size] == tail:
                lenient = urljoin(directory_url, "/".join(parts[start + size:]))
                return (lenient, verbatim) if lenient != verbatim else (verbatim,)
    return (verbatim,)


def _urls(directory_url: str, line: str, where: str, issues: Issues) -> tuple[str, ...]:
    """:func:`entry_urls`, or () with a warning for a line that is no URL (``http://[x``)."""
    try:
        return entry_urls(directory_url, line)
    except ValueError as exc:
        issues.warn(where, f"not a URL: {exc}; skipped")
        return ()


def _get_text(fetcher: Fetcher, url: str, issues: Issues) -> str | None:
    try:
        data = fetcher.fetch(url)
    except FetchError as exc:
        issues.warn(url, f"cannot read listing: {exc}")
        return None
    return None if data is None else data.decode("utf-8-sig", errors="replace")


def list_directory(fetcher: Fetcher, directory_url: str, issues: Issues) -> list[DocRef]:
    """Documents of a directory distribution: ``changes.csv``, else ``index.txt``."""
    changes = _get_text(fetcher, urljoin(directory_url, "changes.csv"), issues)
    refs: list[DocRef] = []
    if changes is not None:
        for n, row in enumerate(csv.reader(io.StringIO(changes)), start=1):
            if not row or not row[0].strip():
                continue
            if len(row) < 2:
                issues.warn(f"{directory_url}changes.csv line {n}", "row without timestamp: skipped")
                continue
            urls = _urls(directory_url, row[0], f"{directory_url}changes.csv line {n}", issues)
            if urls:
                refs.append(DocRef(urls[0], _stamp(row[1].strip(), f"changes.csv line {n}", issues),
                                   alternatives=urls[1:]))
        return refs
    index = _get_text(fetcher, urljoin(directory_url, "index.txt"), issues)
    if index is None:
        issues.warn(directory_url, "directory has neither changes.csv nor index.txt")
        return refs
    for n, line in enumerate(index.splitlines(), start=1):
        urls = _urls(directory_url, line, f"{directory_url}index.txt line {n}", issues) if line.strip() else ()
        if urls:
            refs.append(DocRef(urls[0], alternatives=urls[1:]))
    return refs


def _rel(link: dict[str, Any]) -> str:
    # NOTE: CISA's ROLIE feed writes "ref": "hash" where RFC 4287 says "rel".
    return text(link.get("rel")) or text(link.get("ref"))


def list_rolie(fetcher: Fetcher, feed_url: str, issues: Issues) -> list[DocRef]:
    """Documents of a ROLIE feed (``feed.entry[]``)."""
    try:
        data = fetcher.fetch(feed_url)
    except FetchError as exc:
        issues.warn(feed_url, f"cannot read ROLIE feed: {exc}")
        return []
    if data is None:
        issues.warn(feed_url, "ROLIE feed not found")
        return []
    value, problem = load_json(data, feed_url)
    if problem is not None:
        issues.warn(feed_url, f"ROLIE feed unreadable: {problem.reason}")
        return []
    refs = []
    for i, entry in enumerate(arr(obj(obj(value).get("feed")).get("entry"))):
        links = [obj(link) for link in arr(obj(entry).get("link"))]
        by_rel: dict[str, list[str]] = {}
        for link in links:
            by_rel.setdefault(_rel(link), []).append(urljoin(feed_url, text(link.get("href"))))
        src = text(obj(obj(entry).get("content")).get("src")) or next(iter(by_rel.get("self", [])), "")
        if not src:
            issues.warn(f"{feed_url} $.feed.entry[{i}]", "entry without content.src: skipped")
            continue
        refs.append(DocRef(
            urljoin(feed_url, src), _stamp(obj(entry).get("updated"), f"$.feed.entry[{i}].updated", issues),
            hash_urls=tuple(by_rel.get("hash", [])),
            signature_url=next(iter(by_rel.get("signature", [])), ""),
        ))
    return refs
