"""One limit for the largest feed document, checked before the document is
read: sparse files (huge on ``stat()``, nothing on disk), archive members
that declare their size, a gzip that inflates, an HTTP body."""
from __future__ import annotations

import gzip
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from server.cli import main
from server.db.models import Advisory
from server.feeds.csaf import sync_provider
from server.feeds.limits import ENV
from tests.feeds.loopback import Site, csaf_provider, serve, tiny_csaf

MIB = 1024 * 1024
LIMIT = "document of {size}: over the limit of {limit} for one feed document (set PATCHGAP_MAX_FEED_DOCUMENT_MB to change it)"
ONE_MIB = "1,048,576 bytes (1 MiB)"
# The start of a document of each kind: enough for `feeds import` to recognise it.
HEADS = {
    "csaf": None,  # the project's own CSAF document
    "osv": b'{"id": "PYSEC-0000-1", "modified": "2024-01-01T00:00:00Z", "affected": [',
    "kev": b'{"catalogVersion": "2099.01.02", "vulnerabilities": [',
    "msrc": b'<?xml version="1.0"?><cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1">',
}
SUFFIX = {"msrc": ".xml"}


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def advisories(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Advisory))


def sparse(path: Path, head: bytes, size: int) -> Path:
    """``head`` then zeros up to ``size`` bytes, none of them written to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


@pytest.mark.parametrize("kind", sorted(HEADS))
def test_file_over_the_limit_is_refused_by_its_size(db_url: str, sessions, kind: str, fixtures_dir: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    head = HEADS[kind] or tiny_csaf(fixtures_dir)
    big = sparse(tmp_path / kind / f"big{SUFFIX.get(kind, '.json')}", head, 3 * MIB)

    code, out, err = run(db_url, "feeds", "import", str(big))

    assert (code, out) == (0, "1 document(s): advisories none stored; 1 skipped; 0 warning(s); "
                              "gaps opened 0, resolved 0\n")
    assert err == f"skipped: {big}: {LIMIT.format(size='3,145,728 bytes', limit=ONE_MIB)}\n"
    assert advisories(sessions) == 0


def test_osv_zip_member_over_the_limit_is_refused_by_its_declared_size(  # type: ignore[no-untyped-def]
        db_url: str, sessions, fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    record = (fixtures_dir / "osv" / "PYSEC-9999-1.json").read_bytes()
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("big.json", record + b" " * (2 * MIB))  # valid JSON, 2 MiB: a few KB compressed
        out.writestr("PYSEC-9999-1.json", record)
    assert archive.stat().st_size < 64 * 1024

    code, out, err = run(db_url, "feeds", "import", str(archive))

    assert (code, out) == (0, "2 document(s): advisories 1 new; 1 skipped; 0 warning(s); "
                              "gaps opened 0, resolved 0\n")
    size = f"{len(record) + 2 * MIB:,} bytes"
    assert err == f"skipped: {archive}!big.json: {LIMIT.format(size=size, limit=ONE_MIB)}\n"
    assert advisories(sessions) == 1  # the small record only


def test_gzip_that_inflates_over_the_limit_is_cut_short(db_url: str, sessions, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    page = tmp_path / "nvd.json.gz"
    page.write_bytes(gzip.compress(b'{"format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2024-0001"'
                                   + b" " * (4 * MIB)))
    code, _, err = run(db_url, "feeds", "import", str(page))
    assert code == 0
    assert err == f"skipped: {page}: {LIMIT.format(size='more than 1,048,576 bytes', limit=ONE_MIB)}\n"
    assert advisories(sessions) == 0


def test_default_limit_refuses_a_200_mb_csaf_file_without_reading_it(  # type: ignore[no-untyped-def]
        db_url: str, sessions, fixtures_dir: Path, tmp_path: Path) -> None:
    big = sparse(tmp_path / "big.json", tiny_csaf(fixtures_dir), 200 * MIB)
    tracemalloc.start()
    try:
        code, _, err = run(db_url, "feeds", "import", str(big))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0
    assert err == f"skipped: {big}: {LIMIT.format(size='209,715,200 bytes', limit='134,217,728 bytes (128 MiB)')}\n"
    assert peak < 32 * MIB, f"peak {peak / MIB:.0f} MiB: the file was read"
    assert advisories(sessions) == 0


def test_provider_document_over_the_limit_is_not_fetched(fixtures_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "0.001")  # 1,048 bytes: the tiny document is 6,749
    data = tiny_csaf(fixtures_dir)
    with serve(Site()) as site:
        metadata = csaf_provider(site, ["2024/pg-tiny-2024-0001.json"])
        site.add_document("/white/2024/pg-tiny-2024-0001.json", data)
        result = sync_provider(metadata, tmp_path / "cache")
    url = f"{site.base}/white/2024/pg-tiny-2024-0001.json"
    assert result.documents == [] and not (tmp_path / "cache").exists()
    limit = LIMIT.format(size=f"{len(data):,} bytes", limit="1,048 bytes (0.000999451 MiB)")
    assert [(p.file, p.reason) for p in result.problems] == [(url, f"document not fetched: {url}: {limit}")]


@pytest.mark.parametrize("value", ["0", "-1", "lots", "nan"])
def test_a_limit_that_is_no_positive_number_is_refused(value: str, fixtures_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from server.feeds.csaf import CsafFeed
    from server.feeds.interface import FeedError

    monkeypatch.setenv(ENV, value)
    with pytest.raises(FeedError, match=f"{ENV}=.*: give the largest feed document in MiB"):
        list(CsafFeed().parse(fixtures_dir / "csaf" / "pg-tiny-2024-0001.json"))
