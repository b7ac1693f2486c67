"""``feeds sync`` reads, fetches with no transaction open, then imports: each
feed succeeds or fails on its own, and a write another connection commits
during a download (a collector's report, an admin's command) does not fail
the sync."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from server.advisories import feedsync
from server.cli import main
from server.db.engine import make_engine, make_sessionmaker
from server.feeds.csaf import sync_provider
from tests.feeds.loopback import Site, csaf_provider, serve, tiny_csaf
from tests.feeds.test_feeds_cli import kev_catalog, stored


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def statuses(db_url: str) -> dict[str, tuple[str, str]]:
    feeds = json.loads(run(db_url, "feeds", "list", "--format", "json")[1])
    return {f["name"]: (f["status"], f["last_error"]) for f in feeds}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("broken", ["unreachable", "malformed URL"])
def test_a_broken_feed_fails_alone(db_url: str, sessions, broken: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = kev_catalog(tmp_path / "kev.json", ("CVE-2024-0001", "2024-02-22")).read_bytes()
    bad_url = f"http://127.0.0.1:{closed_port()}/kev.json" if broken == "unreachable" else "http://[::1/kev.json"
    with serve(Site(routes={"/kev.json": catalog})) as site:
        assert run(db_url, "feeds", "add", "a-broken", "--kind", "kev", "--url", bad_url)[0] == 0
        assert run(db_url, "feeds", "add", "b-good", "--kind", "kev", "--url", f"{site.base}/kev.json")[0] == 0

        code, out, err = run(db_url, "feeds", "sync", "--cache-dir", str(tmp_path / "cache"))

    assert code == 1
    assert out == ("a-broken:\nb-good:\n"
                   "1 document(s): advisories 1 new; 0 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    failure, summary = err.splitlines()
    reason = failure.removeprefix("  sync failed, last good data kept: ")
    if broken == "unreachable":
        assert reason.startswith(f"{bad_url}: ") and "Connection refused" in reason
    else:
        assert reason == f"{bad_url}: not a valid URL: Invalid IPv6 URL"
    assert summary == "Error: 1 of 2 feed(s) failed to sync (see `patchgap feeds list`)"
    assert statuses(db_url) == {"a-broken": ("failed", reason), "b-good": ("ok", "")}
    assert list(stored(sessions, "kev")) == ["CVE-2024-0001"]


def commit_from_another_connection(db_url: str, name: str, location: Path) -> None:
    """An admin adds a feed while the sync is downloading: a committed write."""
    engine = make_engine(db_url)
    if db_url.startswith("sqlite"):
        # Wait a little for the write lock, not the 30 s default: a sync that
        # held a transaction across its download would hold it that long.
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA busy_timeout=2000"))
    try:
        with make_sessionmaker(engine).begin() as session:
            feedsync.add_feed(session, name, "kev", str(location), {})
    finally:
        engine.dispose()


def test_write_committed_during_the_download_does_not_fail_the_sync(  # type: ignore[no-untyped-def]
        db_url: str, sessions, fixtures_dir: Path, tmp_path: Path) -> None:
    data = tiny_csaf(fixtures_dir)
    catalog = kev_catalog(tmp_path / "kev.json", ("CVE-2024-0001", "2024-02-22"))
    errors: list[Exception] = []

    def document() -> bytes:
        try:
            commit_from_another_connection(db_url, "added-meanwhile", catalog)
        except Exception as exc:  # noqa: BLE001 - asserted below, with its message
            errors.append(exc)
        return data

    with serve(Site()) as site:
        metadata = csaf_provider(site, ["2024/pg-tiny-2024-0001.json"])
        site.add_document("/white/2024/pg-tiny-2024-0001.json", document, digest_of=data)
        assert run(db_url, "feeds", "add", "prov", "--kind", "csaf", "--url", metadata)[0] == 0
        assert run(db_url, "feeds", "add", "z-kev", "--kind", "kev", "--path", str(catalog))[0] == 0

        code, out, err = run(db_url, "feeds", "sync", "--cache-dir", str(tmp_path / "cache"))

    assert errors == []
    assert (code, err) == (0, "")
    assert out == ("prov:\n1 document(s): advisories 1 new; 0 skipped; 2 warning(s); gaps opened 0, resolved 0\n"
                   "z-kev:\n1 document(s): advisories 1 new; 0 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    assert statuses(db_url) == {"added-meanwhile": ("never", ""), "prov": ("ok", ""), "z-kev": ("ok", "")}
    assert list(stored(sessions, "csaf")) == ["PG-TINY-2024-0001"]


def test_listing_line_that_is_no_url_is_skipped(fixtures_dir: Path, tmp_path: Path) -> None:
    data = tiny_csaf(fixtures_dir)
    with serve(Site()) as site:
        metadata = csaf_provider(site, ["http://[broken/x.json", "2024/pg-tiny-2024-0001.json"])
        site.add_document("/white/2024/pg-tiny-2024-0001.json", data)
        result = sync_provider(metadata, tmp_path / "cache")
    assert [p.name for p in result.documents] == ["pg-tiny-2024-0001.json"]
    assert [(p.path, p.reason, p.fatal) for p in result.problems if "index.txt" in p.path] == [
        (f"{site.base}/white/index.txt line 1", "not a URL: Invalid IPv6 URL; skipped", False)]
