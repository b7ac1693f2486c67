"""Incremental sync of a CSAF provider, from a URL or a local mirror folder.

``provider-metadata.json`` -> distributions -> directory listings
(``changes.csv`` / ``index.txt``) and ROLIE feeds -> documents. A document is
downloaded only when its listing says it changed since the previous state;
its hash file (``.sha512`` or ``.sha256``) is checked before anything parses
it, and its ``.asc`` signature when the admin gave the provider's public key.
Verified documents are written under ``cache_dir``; a rejected one is not,
and stays out of the new state so the next sync retries it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from server.feeds.csaf.integrity import ALGORITHMS, SignatureChecker, check_hash, digest_in
from server.feeds.csaf.lenient import Issues, load_json
from server.feeds.csaf.listing import Distributions, DocRef, list_directory, list_rolie, read_metadata
from server.feeds.csaf.transport import WELL_KNOWN, Fetcher, FetchError, open_source
from server.feeds.interface import Problem
from server.feeds.safepath import UnsafePath, file_name, inside

__all__ = ["WELL_KNOWN", "SyncResult", "cache_path", "sync_provider"]
State = dict[str, dict[str, str]]


@dataclass
class SyncResult:
    """What one sync brought: new or changed documents to parse, and why others were not."""

    documents: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    state: State = field(default_factory=dict)
    unchanged: int = 0


def cache_path(cache_dir: Path, url: str) -> Path:
    """Where the document at ``url`` is kept: ``cache_dir/<host>/<path>``.

    Raises :class:`UnsafePath` when a segment of the URL, once decoded, is
    no plain file name (``..``, empty, a separator): the listing names it,
    and the provider writes the listing.
    """
    parts = urlsplit(url)
    host = file_name(parts.netloc, url) if parts.netloc else "local"
    segments = parts.path.removeprefix("/").split("/") if parts.path else []
    names = [file_name(s, url) for s in segments]
    return inside(cache_dir, cache_dir.joinpath(host, *(names or ["index"])), url)


def _fetch_first(fetcher: Fetcher, urls: tuple[str, ...]) -> tuple[str, bytes | None]:
    for url in urls:
        data = fetcher.fetch(url)
        if data is not None:
            return url, data
    return urls[0], None


def _verify(fetcher: Fetcher, ref: DocRef, url: str, data: bytes,
            checker: SignatureChecker | None, issues: Issues) -> dict[str, str] | None:
    """The state entry of a document whose hash (and signature) hold, else None."""
    entry = {"updated": ref.updated, "path": ""}
    hash_urls = ref.hash_urls or tuple(f"{url}.{alg}" for alg in ALGORITHMS)
    for hash_url in hash_urls:
        algorithm = next((a for a in ALGORITHMS if hash_url.lower().endswith(a)), "sha256")
        hash_file = fetcher.fetch(hash_url)
        if hash_file is None:
            continue
        error = check_hash(data, hash_file, algorithm)
        if error:
            issues.fatal(hash_url, f"document rejected: {error}")
            return None
        entry[algorithm] = digest_in(hash_file)
        break
    else:
        issues.warn("", "no .sha512/.sha256 file: integrity not checked")
    if checker is None:
        issues.warn("", "signature not checked (no key)")
        return entry
    signature_url = ref.signature_url or f"{url}.asc"
    signature = fetcher.fetch(signature_url)
    error = "no .asc signature file" if signature is None else checker.verify(data, signature)
    if error:
        issues.fatal(signature_url, f"document rejected: {error}")
        return None
    return entry


def sync_provider(source: str | Path, cache_dir: Path, state: Mapping[str, Mapping[str, str]] | None = None,
                  *, public_key: Path | None = None, client: httpx.Client | None = None) -> SyncResult:
    """Bring ``cache_dir`` up to date with the provider at ``source`` (URL or folder).

    ``state`` is the previous result's ``state`` (document URL -> last
    ``updated`` stamp, digests, cache path); only documents whose stamp
    changed, or that were never fetched, are downloaded.
    """
    previous = {k: dict(v) for k, v in (state or {}).items()}
    fetcher, metadata_url, fallback = open_source(source, client)
    issues = Issues(metadata_url)
    result = SyncResult(problems=issues.problems)
    try:
        checker = SignatureChecker(public_key) if public_key else None
        raw = fetcher.fetch(metadata_url)
        if raw is None and fallback:
            dists = Distributions(directories=(fallback,))
        elif raw is None:
            issues.fatal(metadata_url, "provider-metadata.json not found")
            return result
        else:
            value, problem = load_json(raw, metadata_url)
            if problem is not None:
                result.problems.append(problem)
                return result
            dists = read_metadata(value, issues)
        refs: dict[str, DocRef] = {}
        for directory in dists.directories:
            for ref in list_directory(fetcher, urljoin(metadata_url, directory), issues):
                refs.setdefault(ref.url, ref)
        for feed in dists.rolie_feeds:
            for ref in list_rolie(fetcher, urljoin(metadata_url, feed), issues):
                refs.setdefault(ref.url, ref)
        for url, ref in refs.items():
            _sync_one(fetcher, ref, previous.get(url), cache_dir, checker, result)
    except FetchError as exc:
        issues.fatal(metadata_url, f"sync stopped: {exc}")
    finally:
        fetcher.close()
    return result


def _unchanged(fetcher: Fetcher, ref: DocRef, before: dict[str, str]) -> bool:
    """Same ``updated`` stamp; or, for listings without stamps (index.txt), same digest."""
    if ref.updated:
        return before.get("updated") == ref.updated
    for hash_url in ref.hash_urls or tuple(f"{ref.url}.{alg}" for alg in ALGORITHMS):
        algorithm = next((a for a in ALGORITHMS if hash_url.lower().endswith(a)), "sha256")
        if algorithm in before:
            hash_file = fetcher.fetch(hash_url)
            if hash_file is not None:
                return digest_in(hash_file) == before[algorithm]
    return False


def _sync_one(fetcher: Fetcher, ref: DocRef, before: dict[str, str] | None, cache_dir: Path,
              checker: SignatureChecker | None, result: SyncResult) -> None:
    issues = Issues(ref.url)  # this document's problems name it as their file
    try:
        _sync_checked(fetcher, ref, before, cache_dir, checker, issues, result)
    except FetchError as exc:
        issues.fatal("", f"document not fetched: {exc}")
    except UnsafePath as exc:
        issues.fatal("", f"document refused: {exc}")
    finally:
        result.problems.extend(issues.problems)


def _sync_checked(fetcher: Fetcher, ref: DocRef, before: dict[str, str] | None, cache_dir: Path,
                  checker: SignatureChecker | None, issues: Issues, result: SyncResult) -> None:
    cached = Path(before["path"]) if before and before.get("path") else None
    if before and cached and cached.is_file() and _unchanged(fetcher, ref, before):
        result.state[ref.url] = before
        result.unchanged += 1
        return
    # Where each candidate URL would be cached, refused before anything is fetched.
    targets = {u: cache_path(cache_dir, u) for u in (ref.url, *ref.alternatives)}
    url, data = _fetch_first(fetcher, tuple(targets))
    if data is None:
        issues.fatal("", "document listed but not found")
        return
    entry = _verify(fetcher, ref, url, data, checker, issues)
    if entry is None:
        return
    target = targets[url]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    entry.update(path=str(target), sha256=hashlib.sha256(data).hexdigest())
    result.state[ref.url] = entry
    result.documents.append(target)
