"""Fetch one feed file over HTTP into the local cache: conditional (ETag /
Last-Modified), streamed to a temporary file, renamed only when complete."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from server.feeds.interface import FeedError
from server.feeds.safepath import file_name, inside

MAX_BYTES = 4 * 1024 * 1024 * 1024


def cache_file(cache_dir: Path, url: str) -> Path:
    """``cache_dir/<last path segment>``; :class:`UnsafePath` when that
    segment, decoded, is no plain file name (``%2e%2e``, ``%2f``...)."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return inside(cache_dir, cache_dir / (file_name(segment, url) if segment else "index"), url)


def download(url: str, cache_dir: Path, validators: dict[str, str], timeout: float = 60.0) -> tuple[Path, dict[str, str], bool]:
    """(local file, new validators, changed?). An unchanged file (304) is not
    downloaded again; a failed download leaves the previous copy in place."""
    target = cache_file(cache_dir, url)
    headers = {}
    if target.exists():
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with httpx.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
            if response.status_code == 304:
                return target, validators, False
            if response.status_code != 200:
                raise FeedError(f"{url}: HTTP {response.status_code}")
            size = 0
            with partial.open("wb") as out:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise FeedError(f"{url}: larger than {MAX_BYTES} bytes")
                    out.write(chunk)
            new = {k: v for k, v in (("etag", response.headers.get("etag", "")),
                                     ("last_modified", response.headers.get("last-modified", ""))) if v}
    except (httpx.HTTPError, httpx.InvalidURL) as exc:  # NOTE: InvalidURL is no HTTPError
        partial.unlink(missing_ok=True)
        raise FeedError(f"{url}: {exc}") from None
    except FeedError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return target, new, True
