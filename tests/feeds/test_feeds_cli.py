"""``patchgap feeds add|list|sync|import`` against real databases.

A CSAF provider is CISA's real IT directory served over real HTTP on
loopback (a stdlib ``http.server`` thread on a temporary copy), and the same
copy as an offline mirror folder. KEV catalogs and broken documents are
written here in the real formats; the OSV records are the project's own.
"""
from __future__ import annotations

import functools
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.db.models import Advisory, Affected
from tests.feeds.test_letter_import import add_hosts
from tests.reports import debian_host, software

METADATA = ".well-known/csaf/provider-metadata.json"
IT_DOCS = ("VA-24-201-01", "VA-24-254-01", "VA-24-254-02", "VA-24-262-01")


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def listed(db_url: str) -> dict[str, dict[str, object]]:
    return {f["name"]: f for f in json.loads(run(db_url, "feeds", "list", "--format", "json")[1])}


def stored(sessions, source: str) -> dict[str, list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    """advisory id -> (product, distro, fixed) of its own items, as stored."""
    with sessions() as session:
        rows = session.execute(select(Advisory.advisory_id, Affected.product, Affected.distro, Affected.fixed_version)
                               .join(Affected, Affected.advisory_pk == Advisory.id, isouter=True)
                               .where(Advisory.source == source).order_by(Advisory.advisory_id, Affected.id))
        found: dict[str, list[tuple[str, str, str]]] = {}
        for advisory_id, *item in rows:
            found.setdefault(advisory_id, []).extend([tuple(item)] if item[0] is not None else [])  # type: ignore[list-item]
        return found


@dataclass
class Provider:
    """CISA's IT provider directory served on 127.0.0.1."""

    root: Path
    url: str  # of provider-metadata.json
    server: ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """No request log on stderr."""


@pytest.fixture
def provider(shared_dir: Path, tmp_path: Path) -> Iterator[Provider]:
    root = tmp_path / "site"
    shutil.copytree(shared_dir / "feeds" / "csaf" / "cisa-provider-it", root, copy_function=shutil.copyfile)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    metadata = root / METADATA
    metadata.parent.mkdir(parents=True)
    # The directory distribution only: the ROLIE feed's links point at GitHub.
    metadata.write_text(json.dumps({
        "canonical_url": f"{base}/{METADATA}", "distributions": [{"directory_url": f"{base}/white/"}],
        "last_updated": "2024-10-03T16:03:00Z", "list_on_CSAF_aggregators": True, "metadata_version": "2.0",
        "publisher": {"category": "coordinator", "name": "test copy of CISA", "namespace": "https://www.cisa.gov"},
        "role": "csaf_trusted_provider"}))
    served = Provider(root, f"{base}/{METADATA}", server)
    yield served
    served.stop()


def test_provider_sync_over_http(db_url: str, sessions, provider: Provider, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tampered = provider.root / "white" / "2024" / "va-24-254-01.json"
    data = bytearray(tampered.read_bytes())
    data[data.index(b"webMethods")] = ord("W")  # one byte: still valid JSON, wrong sha512
    tampered.write_bytes(bytes(data))
    doc_url = provider.url.replace(METADATA, "white/2024/va-24-254-01.json")
    cache = str(tmp_path / "cache")
    code, out, _ = run(db_url, "feeds", "add", "cisa", "--kind", "csaf", "--url", provider.url)
    assert (code, out) == (0, f"added csaf feed 'cisa' at {provider.url}; run `patchgap feeds sync cisa`\n")

    started = time.perf_counter()
    code, out, err = run(db_url, "feeds", "sync", "cisa", "--cache-dir", cache, "-v")
    print(f"\nCISA IT provider sync over HTTP ({db_url.split(':')[0].split('+')[0]}): "
          f"{time.perf_counter() - started:.2f} s")
    assert code == 0
    assert out == "cisa:\n3 document(s): advisories 3 new; 1 skipped; 3 warning(s); gaps opened 0, resolved 0\n"
    rejected = (f"skipped: {doc_url} at {doc_url}.sha512: document rejected: sha512 mismatch: file says "
                f"{(tampered.parent / 'va-24-254-01.json.sha512').read_text()[:16]}..., content is ")
    lines = err.splitlines()
    assert [line for line in lines if line.startswith("skipped")] == [next(l for l in lines if l.startswith(rejected))]
    # Every document's hash was checked; only the signatures are not (no key given).
    assert sorted(line.split(": ", 2)[2] for line in lines if line.startswith("warning")) == [
        "signature not checked (no key)"] * 3
    assert sorted(stored(sessions, "csaf")) == ["VA-24-201-01", "VA-24-254-02", "VA-24-262-01"]
    feed = listed(db_url)["cisa"]
    assert (feed["status"], feed["documents"], feed["advisories"]) == ("ok, with skipped documents", 3, 3)
    assert feed["last_error"].startswith(f"{doc_url}: document rejected: sha512 mismatch")  # type: ignore[union-attr]

    # Unchanged listing: nothing fetched again but the rejected document, retried.
    code, out, _ = run(db_url, "feeds", "sync", "cisa", "--cache-dir", cache)
    assert (code, out) == (0, "cisa:\n0 document(s), 3 unchanged since the last sync: advisories none stored; "
                              "1 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    assert (listed(db_url)["cisa"]["documents"], listed(db_url)["cisa"]["advisories"]) == (3, 3)

    provider.stop()
    code, out, err = run(db_url, "feeds", "sync", "cisa", "--cache-dir", cache)
    assert code == 1 and out == "cisa:\n"
    assert err.startswith(f"  sync failed, last good data kept: sync stopped: {provider.url}: ConnectError: ")
    assert err.endswith("Error: 1 of 1 feed(s) failed to sync (see `patchgap feeds list`)\n")
    feed = listed(db_url)["cisa"]
    assert (feed["status"], feed["documents"], feed["advisories"]) == ("failed", 3, 3)
    assert "Connection refused" in feed["last_error"]  # type: ignore[operator]
    assert sorted(stored(sessions, "csaf")) == ["VA-24-201-01", "VA-24-254-02", "VA-24-262-01"]
    code, out, _ = run(db_url, "--lang", "vi", "feeds", "list")
    assert out.splitlines()[0].split()[:6] == ["Tên", "Loại", "nguồn", "Địa", "chỉ", "nguồn"]


def test_provider_mirror_folder_offline(db_url: str, sessions, shared_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mirror = tmp_path / "mirror"
    shutil.copytree(shared_dir / "feeds" / "csaf" / "cisa-provider-it", mirror)
    assert run(db_url, "feeds", "add", "cisa-mirror", "--kind", "csaf", "--path", str(mirror))[0] == 0
    code, out, _ = run(db_url, "feeds", "sync", "--cache-dir", str(tmp_path / "cache"))  # every feed
    assert (code, out) == (0, "cisa-mirror:\n4 document(s): advisories 4 new; 0 skipped; 4 warning(s); "
                              "gaps opened 0, resolved 0\n")
    assert sorted(stored(sessions, "csaf")) == list(IT_DOCS)
    feed = listed(db_url)["cisa-mirror"]
    assert (feed["kind"], feed["status"], feed["documents"], feed["advisories"], feed["last_error"]) == (
        "csaf", "ok", 4, 4, "")


def kev_catalog(path: Path, *entries: tuple[str, str]) -> Path:
    """A KEV catalog in CISA's JSON format: (CVE, due date) entries."""
    path.write_text(json.dumps({
        "title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2099.01.02",
        "dateReleased": "2099-01-02T12:00:00.000Z", "count": len(entries),
        "vulnerabilities": [{"cveID": cve, "vendorProject": "Test", "product": "Test", "vulnerabilityName": cve,
                             "dateAdded": "2024-02-01", "shortDescription": "", "requiredAction": "Patch.",
                             "dueDate": due, "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}
                            for cve, due in entries]}))
    return path


def exploited(sessions, advisory_id: str) -> tuple[bool, str | None]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        row = session.scalar(select(Advisory).where(Advisory.advisory_id == advisory_id, Advisory.source != "kev"))
        return row.exploited, row.kev_due_date and row.kev_due_date.isoformat()


def test_kev_enriches_and_never_opens_findings(db_url: str, sessions, fixtures_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_hosts(sessions, debian_host(packages=[software("openssl", "3.0.11-1~deb12u1")]))
    osv = fixtures_dir / "osv"
    # KEV first: it alone opens nothing, even for a CVE a host is exposed to.
    kev = kev_catalog(tmp_path / "kev.json", ("CVE-2024-0001", "2024-02-22"))
    assert run(db_url, "feeds", "import", str(kev))[1] == (
        "1 document(s): advisories 1 new; 0 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    assert json.loads(run(db_url, "gaps", "--format", "json")[1]) == []
    assert run(db_url, "feeds", "import", str(osv / "DSA-9001-1.json"))[1] == (
        "1 document(s): advisories 1 new; 0 skipped; 0 warning(s); gaps opened 1, resolved 0\n")
    assert exploited(sessions, "DSA-9001-1") == (True, "2024-02-22")
    # The advisory first, KEV later: the catalog update marks it.
    run(db_url, "feeds", "import", str(osv / "PYSEC-9999-1.json"))
    assert exploited(sessions, "PYSEC-9999-1") == (False, None)
    kev = kev_catalog(tmp_path / "kev.json", ("CVE-2024-0001", "2024-02-22"), ("CVE-2024-1111", "2024-03-15"))
    assert run(db_url, "feeds", "import", str(kev))[1] == (
        "1 document(s): advisories 1 new, 1 unchanged; 0 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    assert exploited(sessions, "PYSEC-9999-1") == (True, "2024-03-15")
    assert [g["advisory"] for g in json.loads(run(db_url, "gaps", "--format", "json")[1])] == ["DSA-9001-1"]


def test_broken_documents_among_good_ones(db_url: str, sessions, fixtures_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_hosts(sessions, debian_host(packages=[software("openssl", "3.0.11-1~deb12u1")]))
    osv = fixtures_dir / "osv"
    assert run(db_url, "feeds", "import", str(osv / "DSA-9001-1.json"))[1].endswith("gaps opened 1, resolved 0\n")
    before = stored(sessions, "osv")
    folder = tmp_path / "copied"
    folder.mkdir()
    for name in ("PYSEC-9999-1.json", "USN-9000-1.json"):
        shutil.copyfile(osv / name, folder / name)
    revision = json.loads((osv / "DSA-9001-1.json").read_text())
    revision["modified"] = "2024-03-01T10:00:00Z"
    revision["affected"][0]["ranges"][0]["events"] = "fixed"  # a newer revision, broken
    (folder / "DSA-9001-1.json").write_text(json.dumps(revision))
    (folder / "cut.json").write_text((osv / "USN-9000-1.json").read_text()[:200])  # a copy cut short
    (folder / "no-tracking.json").write_text(json.dumps({"document": {
        "category": "csaf_base", "csaf_version": "2.0", "title": "No tracking",
        "publisher": {"category": "vendor", "name": "X", "namespace": "https://x.example"}}}))

    code, out, err = run(db_url, "feeds", "import", str(folder))
    assert code == 0
    assert out == ("  csaf: 1 document(s): advisories none stored; 1 skipped\n"
                   "  osv: 3 document(s): advisories 2 new; 1 skipped\n"
                   "5 document(s): advisories 2 new; 3 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    lines = err.splitlines()
    assert lines[0].startswith(f"skipped: {folder}/cut.json at $: not valid JSON: ")
    assert lines[1:] == [
        f"skipped: {folder}/no-tracking.json at $.document.tracking.id: no tracking id: the advisory cannot be stored",
        f"skipped: {folder}/DSA-9001-1.json at $.affected[0].ranges[0].events: expected an array, got a string",
    ]
    after = stored(sessions, "osv")
    assert after["DSA-9001-1"] == before["DSA-9001-1"] == [
        ("openssl", "debian:12", "3.0.11-1~deb12u2"), ("openssl", "debian:11", "1.1.1w-0+deb11u1")]
    assert sorted(after) == ["DSA-9001-1", "PYSEC-9999-1", "USN-9000-1"]
    assert [(g["advisory"], g["item"]) for g in json.loads(run(db_url, "gaps", "--format", "json")[1])] == [
        ("DSA-9001-1", "openssl")]


@pytest.mark.parametrize("args", [["feeds", "import", "--strict", "."],
                                  ["feeds", "add", "x", "--kind", "osv", "--path", ".", "--strict"]])
def test_strict_needs_schemas(db_url: str, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert result.exit_code == 2
    assert "--strict needs --schema-dir: without schemas there is nothing to be strict about" in result.output
