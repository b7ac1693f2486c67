"""A provider's listing names the cache file a sync writes: a name that
decodes to ``..`` (``%2e%2e``) or holds a separator is refused, the document
is reported skipped, and nothing is written outside the cache folder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.advisories.download import cache_file
from server.cli import main
from server.feeds.csaf.provider import cache_path
from server.feeds.safepath import UnsafePath
from tests.feeds.loopback import Site, csaf_provider, serve, tiny_csaf


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_index_txt_path_that_climbs_out_of_the_cache_is_refused(db_url: str, fixtures_dir: Path,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "outside" / "evil.json"
    climb = "%2e%2e/" * 40 + str(target).lstrip("/")  # percent-encoded: urljoin keeps it
    data = tiny_csaf(fixtures_dir)
    with serve(Site()) as site:
        metadata = csaf_provider(site, [climb, "2024/pg-tiny-2024-0001.json"])
        evil_url = f"{site.base}/white/{climb}"
        site.add_document(f"/white/{climb}", data)  # with a valid hash: only the name is wrong
        site.add_document("/white/2024/pg-tiny-2024-0001.json", data)
        assert run(db_url, "feeds", "add", "prov", "--kind", "csaf", "--url", metadata)[0] == 0

        code, out, err = run(db_url, "feeds", "sync", "prov", "--cache-dir", str(tmp_path / "cache"))

    assert not target.exists() and not target.parent.exists()
    assert code == 0
    assert out == "prov:\n1 document(s): advisories 1 new; 1 skipped; 2 warning(s); gaps opened 0, resolved 0\n"
    reason = f"document refused: {evil_url}: path segment '%2e%2e' decodes to '..', not a plain file name"
    assert err == f"skipped: {evil_url}: {reason}\n"
    assert f"/white/{climb}" not in site.requests  # refused before it was fetched
    (feed,) = json.loads(run(db_url, "feeds", "list", "--format", "json")[1])
    assert (feed["status"], feed["last_error"]) == ("ok, with skipped documents", f"{evil_url}: {reason}")


@pytest.mark.parametrize("segment", ["%2e%2e", "%2E%2E", "%2e", "a%2fb", "a%5cb", "a%00b", ".."])
def test_unsafe_url_segments_are_refused(segment: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePath, match="not a plain file name"):
        cache_path(tmp_path, f"https://psirt.example.com/white/{segment}/x.json")
    with pytest.raises(UnsafePath, match="not a plain file name"):
        cache_file(tmp_path, f"https://example.com/feeds/{segment}")


def test_plain_names_stay_inside_the_cache(tmp_path: Path) -> None:
    assert cache_path(tmp_path, "https://psirt.example.com:8443/csaf/2024/a%20b.json") == (
        tmp_path / "psirt.example.com_8443" / "csaf" / "2024" / "a_b.json")
    assert cache_file(tmp_path, "https://example.com/osv/Debian/all.zip") == tmp_path / "all.zip"
    assert cache_file(tmp_path, "https://example.com/") == tmp_path / "index"


def test_download_url_ending_in_dot_dot_is_refused_before_fetching(db_url: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with serve(Site()) as site:
        site.routes["/feeds/%2e%2e"] = b'{"catalogVersion": "1", "vulnerabilities": []}'
        url = f"{site.base}/feeds/%2e%2e"
        assert run(db_url, "feeds", "add", "kev", "--kind", "kev", "--url", url)[0] == 0
        code, out, err = run(db_url, "feeds", "sync", "kev", "--cache-dir", str(cache))
    assert (code, out, site.requests) == (1, "kev:\n", [])
    assert err.startswith(f"  sync failed, last good data kept: {url}: path segment '%2e%2e' decodes to '..'")
    assert sorted(p.name for p in cache.rglob("*")) == []
