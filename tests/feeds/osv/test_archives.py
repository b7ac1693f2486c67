"""Folders and OSV's per-ecosystem zip archives (read streaming, never extracted)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from server.feeds.interface import FeedError
from server.feeds.osv import OsvFeed
from tests.feeds.osv.conftest import OWN

GOOD = sorted(OWN.glob("*.json"))


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_of_own_records(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "all.zip", {p.name: p.read_bytes() for p in GOOD} | {"README.txt": b"hello"})
    before = sorted(tmp_path.iterdir())
    results = list(OsvFeed().parse(archive))
    assert sorted(tmp_path.iterdir()) == before  # nothing extracted
    assert [r.source_file for r in results] == [f"{archive}!{p.name}" for p in GOOD]
    assert all(r.ok and len(r.advisories) == 1 for r in results)
    from_folder = [a for r in OsvFeed().parse(OWN) if r.ok for a in r.advisories]
    assert [a for r in results for a in r.advisories] == from_folder


def test_zip_of_shared_records(tmp_path: Path, shared_osv: Path) -> None:
    files = sorted(shared_osv.rglob("*.json"))
    archive = _zip(tmp_path / "all.zip", {str(p.relative_to(shared_osv)): p.read_bytes() for p in files})
    results = list(OsvFeed().parse(archive))
    assert len(results) == len(files)
    assert all(r.ok and r.problems == [] for r in results)
    assert {a.advisory_id for r in results for a in r.advisories} >= {"DSA-3029-1", "USN-7095-1", "RLSA-2023:0005"}


def test_corrupt_zip_is_one_fatal_problem(tmp_path: Path) -> None:
    bad = tmp_path / "all.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really an archive")
    [parsed] = list(OsvFeed().parse(bad))
    assert parsed.source_file == str(bad) and parsed.advisories == []
    [problem] = parsed.problems
    assert problem.fatal and problem.reason.startswith("not a readable zip archive")


def test_truncated_zip_is_one_fatal_problem(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip", {p.name: p.read_bytes() for p in GOOD})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    [parsed] = list(OsvFeed().parse(cut))
    assert not parsed.ok and parsed.problems[0].reason.startswith("not a readable zip archive")


def test_damaged_member_skips_only_that_record(tmp_path: Path) -> None:
    first, second = GOOD[0].read_bytes(), GOOD[1].read_bytes()
    archive = _zip(tmp_path / "all.zip", {"a.json": first, "b.json": second}, zipfile.ZIP_STORED)
    raw = bytearray(archive.read_bytes())
    at = raw.index(first[:40]) + 20
    raw[at] ^= 0xFF  # flip one byte inside a.json's stored data: CRC mismatch
    archive.write_bytes(bytes(raw))
    damaged, fine = list(OsvFeed().parse(archive))
    assert damaged.source_file.endswith("!a.json") and not damaged.ok
    assert damaged.problems[0].reason.startswith("damaged archive member")
    assert fine.ok and len(fine.advisories) == 1


def test_oversized_records_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = GOOD[0].read_bytes()
    archive = _zip(tmp_path / "all.zip", {"big.json": data})
    monkeypatch.setenv("PATCHGAP_MAX_FEED_DOCUMENT_MB", "0.0001")  # 104 bytes
    [in_zip] = list(OsvFeed().parse(archive))
    [on_disk] = list(OsvFeed().parse(GOOD[0]))
    for parsed in (in_zip, on_disk):
        assert not parsed.ok and parsed.problems[0].reason.startswith(
            f"document of {len(data):,} bytes: over the limit of 104 bytes")


def test_folder_is_walked_recursively_with_archives(tmp_path: Path) -> None:
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / GOOD[0].name).write_bytes(GOOD[0].read_bytes())
    _zip(tmp_path / "nested" / "PyPI.zip", {GOOD[1].name: GOOD[1].read_bytes()})
    (tmp_path / "notes.txt").write_text("ignored")
    results = list(OsvFeed().parse(tmp_path))
    assert [r.source_file for r in results] == [
        f"{tmp_path / 'nested' / 'PyPI.zip'}!{GOOD[1].name}",
        str(tmp_path / "nested" / "deeper" / GOOD[0].name),
    ]
    assert all(r.ok for r in results)


def test_missing_input_is_a_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError):
        list(OsvFeed().parse(tmp_path / "nope.zip"))
