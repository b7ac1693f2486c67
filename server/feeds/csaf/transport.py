"""Getting bytes for a URL: over HTTP, or from a local mirror folder.

The provider sync only sees :class:`Fetcher`; with :class:`FolderFetcher`
the same code runs on a copied provider tree without any network.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from server.feeds.interface import FeedError
from server.feeds.limits import TooLarge, check_size, max_document_bytes, read_document

WELL_KNOWN = ".well-known/csaf/provider-metadata.json"


class FetchError(FeedError):
    """A URL could not be read (other than "not found")."""


class Fetcher(Protocol):
    """Reads one URL."""

    def fetch(self, url: str) -> bytes | None:
        """The body, or None when it does not exist; :class:`FetchError` otherwise."""

    def close(self) -> None:
        """Release connections."""


class HttpFetcher:
    """HTTP(S) through an ``httpx.Client`` (made here unless one is given)."""

    def __init__(self, client: httpx.Client | None = None, timeout: float = 30.0) -> None:
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=True)
        self._owned = client is None

    def fetch(self, url: str) -> bytes | None:
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code in (404, 410):
                    return None
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} for {url}")
                declared = response.headers.get("content-length", "")
                check_size(int(declared) if declared.isdigit() else 0)  # refused before reading
                limit = max_document_bytes()
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:  # no or a wrong Content-Length
                        raise TooLarge(None, limit)
                return bytes(body)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # NOTE: InvalidURL is no HTTPError
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        except TooLarge as exc:
            raise FetchError(f"{url}: {exc}") from exc

    def close(self) -> None:
        if self._owned:
            self._client.close()


class FolderFetcher:
    """A provider mirrored into ``root``: a URL maps to the longest tail of its
    path that exists below ``root``.

    ``https://host/csaf/white/2024/x.json`` is found as ``root/csaf/white/2024/x.json``,
    ``root/white/2024/x.json`` or ``root/2024/x.json``, whichever exists first,
    so a mirror works whatever depth it was copied at.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def locate(self, url: str) -> Path | None:
        """The file standing for ``url``, or None."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            candidate = Path(unquote(parts.path)).resolve()
            return candidate if candidate.is_file() and self.root in candidate.parents else None
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if any(s in ("..", ".") for s in segments):
            return None
        for start in range(len(segments)):
            candidate = self.root.joinpath(*segments[start:])
            if candidate.is_file():
                return candidate
        return None

    def fetch(self, url: str) -> bytes | None:
        found = self.locate(url)
        if found is None:
            return None
        try:
            return read_document(found)
        except OSError as exc:
            raise FetchError(f"{found}: {exc.strerror or exc}") from exc
        except TooLarge as exc:
            raise FetchError(f"{found}: {exc}") from exc

    def close(self) -> None:
        """Nothing to release."""


def _shallowest(root: Path, name: str) -> Path | None:
    found = sorted(root.rglob(name), key=lambda p: (len(p.parts), str(p)))
    return found[0] if found else None


def open_source(source: str | Path, client: httpx.Client | None) -> tuple[Fetcher, str, str]:
    """(fetcher, provider-metadata URL, directory URL to use when there is no metadata).

    ``source`` is an http(s) URL (of the provider-metadata.json, or of the site:
    the well-known path is added), or a local mirror folder or metadata file.
    """
    text_source = str(source)
    if isinstance(source, Path) or not urlsplit(text_source).scheme.startswith("http"):
        root = Path(source).resolve()
        if root.is_file():
            return FolderFetcher(root.parent), root.as_uri(), ""
        metadata = _shallowest(root, "provider-metadata.json")
        # A bare mirrored directory (no metadata): its changes.csv or index.txt.
        listing = _shallowest(root, "changes.csv") or _shallowest(root, "index.txt")
        fallback = listing.parent.as_uri() + "/" if listing else ""
        return FolderFetcher(root), (metadata or root / "provider-metadata.json").as_uri(), fallback
    url = text_source if text_source.endswith(".json") else urljoin(text_source.rstrip("/") + "/", WELL_KNOWN)
    return HttpFetcher(client), url, ""
