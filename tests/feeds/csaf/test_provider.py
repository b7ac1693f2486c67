"""Provider sync: CISA's real IT provider directory served over real HTTP on
loopback, a mirror folder without network, and OpenPGP signatures made with a
throwaway key."""
from __future__ import annotations

import functools
import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.feeds.csaf import CsafFeed, sync_provider
from server.feeds.csaf.provider import WELL_KNOWN
from server.feeds.interface import Problem

DOCS = ("va-24-201-01.json", "va-24-254-01.json", "va-24-254-02.json", "va-24-262-01.json")
GITHUB_BASE = "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/IT"


@dataclass
class Site:
    """A provider tree served on 127.0.0.1, with the paths it was asked for."""

    root: Path
    base: str
    requests: list[str] = field(default_factory=list)

    def doc_requests(self) -> list[str]:
        return sorted(r for r in self.requests if "/2024/" in r)

    def write_metadata(self, distributions: list[dict[str, object]]) -> None:
        target = self.root / WELL_KNOWN
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({
            "canonical_url": f"{self.base}/{WELL_KNOWN}", "distributions": distributions,
            "last_updated": "2024-10-03T16:03:00Z", "list_on_CSAF_aggregators": True,
            "metadata_version": "2.0", "publisher": {"category": "coordinator", "name": "test copy of CISA",
                                                     "namespace": "https://www.cisa.gov"},
            "role": "csaf_trusted_provider"}))


class _Handler(SimpleHTTPRequestHandler):
    log: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        self.log.append(self.path)


@pytest.fixture
def site(shared_dir: Path, tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "site"
    shutil.copytree(shared_dir / "feeds" / "csaf" / "cisa-provider-it", root, copy_function=shutil.copyfile)
    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"log": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served = Site(root, f"http://127.0.0.1:{server.server_address[1]}", requests)
    served.write_metadata([{"directory_url": f"{served.base}/white/"}])
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _loopback_only(request: httpx.Request) -> None:
    assert request.url.host == "127.0.0.1", f"test tried to reach {request.url}"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, event_hooks={"request": [_loopback_only]}) as c:
        yield c


def test_http_sync_rejects_tampered_document(site: Site, client: httpx.Client, tmp_path: Path) -> None:
    tampered = site.root / "white" / "2024" / "va-24-254-01.json"
    data = bytearray(tampered.read_bytes())
    data[data.index(b"webMethods")] = ord("W")  # one byte: still valid JSON
    tampered.write_bytes(bytes(data))
    cache = tmp_path / "cache"

    result = sync_provider(site.base, cache, client=client)

    assert sorted(p.name for p in result.documents) == ["va-24-201-01.json", "va-24-254-02.json", "va-24-262-01.json"]
    url = f"{site.base}/white/2024/va-24-254-01.json"
    (rejection,) = [p for p in result.problems if p.fatal]
    assert (rejection.file, rejection.path) == (url, f"{url}.sha512")
    stated = (tampered.parent / "va-24-254-01.json.sha512").read_text()[:16]
    actual = hashlib.sha512(bytes(data)).hexdigest()[:16]
    assert rejection.reason == f"document rejected: sha512 mismatch: file says {stated}..., content is {actual}..."
    assert url not in result.state  # not stored: the next sync tries again
    parsed = [parsed for path in result.documents for parsed in CsafFeed().parse(path)]
    ids = sorted(a.advisory_id for p in parsed for a in p.advisories)
    assert ids == ["VA-24-201-01", "VA-24-254-02", "VA-24-262-01"]
    # The index lists repository-root paths (csaf_files/IT/white/2024/...): resolved under /white/.
    assert "/white/2024/va-24-201-01.json" in site.requests

    site.requests.clear()
    again = sync_provider(site.base, cache, result.state, client=client)
    assert (again.documents, again.unchanged) == ([], 3)
    assert site.doc_requests() == ["/white/2024/va-24-254-01.json", "/white/2024/va-24-254-01.json.sha512"]


def test_second_sync_with_unchanged_changes_csv_fetches_nothing(site: Site, client: httpx.Client,
                                                                tmp_path: Path) -> None:
    first = sync_provider(site.base, tmp_path / "cache", client=client)
    assert len(first.documents) == 4 and not any(p.fatal for p in first.problems)
    assert [p.reason for p in first.problems] == ["signature not checked (no key)"] * 4
    assert set(first.state) == {f"{site.base}/white/2024/{name}" for name in DOCS}
    site.requests.clear()

    second = sync_provider(site.base, tmp_path / "cache", first.state, client=client)

    assert (second.documents, second.unchanged, second.problems) == ([], 4, [])
    assert site.requests == [f"/{WELL_KNOWN}", "/white/changes.csv"]
    assert second.state == first.state


def test_changed_row_in_changes_csv_fetches_that_document(site: Site, client: httpx.Client, tmp_path: Path) -> None:
    first = sync_provider(site.base, tmp_path / "cache", client=client)
    changes = site.root / "white" / "changes.csv"
    changes.write_text(changes.read_text().replace("2024-09-18T16:56:00.000Z", "2024-11-01T09:00:00.000Z"))
    site.requests.clear()
    second = sync_provider(site.base, tmp_path / "cache", first.state, client=client)
    assert [p.name for p in second.documents] == ["va-24-262-01.json"]
    assert site.doc_requests() == ["/white/2024/va-24-262-01.json", "/white/2024/va-24-262-01.json.sha512"]


def test_rolie_feed_with_ref_links(site: Site, client: httpx.Client, tmp_path: Path) -> None:
    feed = site.root / "white" / "cisa-csaf-it-feed-tlp-white.json"
    feed.write_text(feed.read_text().replace(GITHUB_BASE, site.base))  # the copy points at our server
    feed_url = f"{site.base}/white/cisa-csaf-it-feed-tlp-white.json"
    site.write_metadata([{"rolie": {"feeds": [{"summary": "TLP:WHITE", "tlp_label": "WHITE", "url": feed_url}]}}])

    first = sync_provider(site.base, tmp_path / "cache", client=client)

    assert sorted(p.name for p in first.documents) == sorted(DOCS)
    assert "/white/2024/va-24-201-01.json.sha512" in site.requests  # from the "ref": "hash" link
    assert first.state[f"{site.base}/white/2024/va-24-254-02.json"]["updated"] == "2024-10-03T16:03:00+00:00"
    site.requests.clear()
    second = sync_provider(site.base, tmp_path / "cache", first.state, client=client)
    assert (second.documents, second.unchanged, site.doc_requests()) == ([], 4, [])


def test_index_txt_only_compares_digests(site: Site, client: httpx.Client, tmp_path: Path) -> None:
    (site.root / "white" / "changes.csv").unlink()
    first = sync_provider(site.base, tmp_path / "cache", client=client)
    assert len(first.documents) == 4
    site.requests.clear()
    second = sync_provider(site.base, tmp_path / "cache", first.state, client=client)
    assert (second.documents, second.unchanged) == ([], 4)
    assert site.doc_requests() == sorted(f"/white/2024/{name}.sha512" for name in DOCS)


def test_missing_provider_metadata_is_one_fatal_problem(site: Site, client: httpx.Client, tmp_path: Path) -> None:
    (site.root / WELL_KNOWN).unlink()
    result = sync_provider(site.base, tmp_path / "cache", client=client)
    url = f"{site.base}/{WELL_KNOWN}"
    assert result.problems == [Problem(url, "provider-metadata.json not found", url)]
    assert result.documents == []


def test_local_mirror_without_network(shared_dir: Path, tmp_path: Path) -> None:
    mirror = shared_dir / "feeds" / "csaf" / "cisa-provider-it"  # no provider-metadata: its changes.csv
    result = sync_provider(mirror, tmp_path / "cache")
    assert sorted(p.name for p in result.documents) == sorted(DOCS)
    assert {p.reason for p in result.problems} == {"signature not checked (no key)"}
    again = sync_provider(mirror, tmp_path / "cache", result.state)
    assert (again.documents, again.unchanged) == ([], 4)


# --- OpenPGP: CISA's key is not in shared/, so a throwaway key signs our own document.

@dataclass
class Signed:
    """A one-document provider folder signed with a throwaway key."""

    root: Path
    public_key: Path
    pgp: Any  # the pysequoia module
    key: Any  # its secret key

    def sign(self, data: bytes) -> bytes:
        return bytes(self.pgp.sign(self.key.signer(), data, mode=self.pgp.SignatureMode.DETACHED))


@pytest.fixture
def signed_provider(fixtures_dir: Path, tmp_path: Path) -> Signed:
    pgp = pytest.importorskip("pysequoia")
    key = pgp.Tsk.generate("patchgap test <test@example.invalid>")
    public = tmp_path / "provider-key.asc"
    public.write_text(str(key.extract_certificate()))
    root = tmp_path / "provider"
    year = root / "white" / "2024"
    year.mkdir(parents=True)
    data = (fixtures_dir / "csaf" / "pg-tiny-2024-0001.json").read_bytes()
    (year / "pg-tiny-2024-0001.json").write_bytes(data)
    (year / "pg-tiny-2024-0001.json.sha256").write_text(
        f"{hashlib.sha256(data).hexdigest()}  pg-tiny-2024-0001.json\n")
    signed = Signed(root, public, pgp, key)
    (year / "pg-tiny-2024-0001.json.asc").write_bytes(signed.sign(data))
    (root / "white" / "changes.csv").write_text('"2024/pg-tiny-2024-0001.json","2024-05-09T06:30:00Z"\n')
    return signed


def test_good_signature_is_accepted(signed_provider: Signed, tmp_path: Path) -> None:
    result = sync_provider(signed_provider.root, tmp_path / "cache", public_key=signed_provider.public_key)
    assert [p.name for p in result.documents] == ["pg-tiny-2024-0001.json"]
    assert result.problems == []


def test_bad_signature_rejects_the_document(signed_provider: Signed, tmp_path: Path) -> None:
    asc = signed_provider.root / "white" / "2024" / "pg-tiny-2024-0001.json.asc"
    asc.write_bytes(signed_provider.sign(b"some other content"))
    result = sync_provider(signed_provider.root, tmp_path / "cache", public_key=signed_provider.public_key)
    assert result.documents == []
    (problem,) = result.problems
    assert problem.fatal and problem.path == asc.as_uri()
    assert problem.reason == ("document rejected: bad signature: Signature verification failed: "
                              "no valid signatures found.")


def test_missing_signature_with_a_key_rejects(signed_provider: Signed, tmp_path: Path) -> None:
    (signed_provider.root / "white" / "2024" / "pg-tiny-2024-0001.json.asc").unlink()
    result = sync_provider(signed_provider.root, tmp_path / "cache", public_key=signed_provider.public_key)
    assert result.documents == []
    assert [p.reason for p in result.problems] == ["document rejected: no .asc signature file"]


def test_cisa_signatures_without_key_are_reported_unchecked(site: Site, client: httpx.Client,
                                                            tmp_path: Path) -> None:
    result = sync_provider(site.base, tmp_path / "cache", client=client)
    unchecked = sorted(p.file.rsplit("/", 1)[1] for p in result.problems
                       if p.reason == "signature not checked (no key)" and not p.fatal)
    assert unchecked == sorted(DOCS)
    assert not any(r.endswith(".asc") for r in site.requests)
