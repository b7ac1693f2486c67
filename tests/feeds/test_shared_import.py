"""Every file of the shared feed snapshots through ``patchgap feeds import``.

Real third-party data (``../shared/testdata/feeds``): CSAF documents from
eleven publishers, OSV records from eight ecosystems, the CISA KEV catalog as
JSON and CSV, an MSRC CVRF month and Security Update Guide pages, and the
schemas and distribution files that travel with them. Nothing may crash;
the counts per kind are exact; what is not an advisory is said so.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from click.testing import CliRunner

from server.cli import main
from tests.feeds.test_letter_import import add_hosts
from tests.reports import debian_host, windows_host

PER_KIND_NEW = [
    "  csaf: 52 document(s): advisories 52 new; 0 skipped",
    # The catalog twice, as JSON and as CSV: the second copy is the same advisories.
    "  kev: 2 document(s): advisories 1404 new, 1404 unchanged; 0 skipped",
    # 97 CVEs of the June 2024 CVRF, 3 from the SUG pages; the CVRF index lists documents only.
    "  msrc: 3 document(s): advisories 100 new; 0 skipped",
    "  osv: 20 document(s): advisories 20 new; 0 skipped",
]
PER_KIND_AGAIN = [
    "  csaf: 52 document(s): advisories 52 unchanged; 0 skipped",
    "  kev: 2 document(s): advisories 2808 unchanged; 0 skipped",
    "  msrc: 3 document(s): advisories 100 unchanged; 0 skipped",
    "  osv: 20 document(s): advisories 20 unchanged; 0 skipped",
]
# Distribution files: read by a provider sync, never imported as advisories.
DISTRIBUTION = {
    "csaf/cisa-provider-it/white/cisa-csaf-it-feed-tlp-white.json",
    "csaf/oasis-distribution-examples/ROLIE/example-01-feed-tlp-white.json",
    "csaf/oasis-distribution-examples/ROLIE/example-01-service.json",
    "csaf/oasis-distribution-examples/ROLIE/example-02-service.json",
    "csaf/oasis-distribution-examples/aggregator/example-01-aggregator.json",
    "csaf/oasis-distribution-examples/aggregator/example-02-aggregator.json",
    "csaf/oasis-distribution-examples/aggregator/example-03-aggregator.json",
    "csaf/oasis-distribution-examples/provider-metadata/example-01-provider-metadata.json",
}
# Strict schema checks skip these: Fortinet writes branch category "product"
# and repeats product ids; SUSE's VEX has an empty product_tree.
SCHEMA_FAILURES = {
    "csaf/fortinet/FG-IR-17-173.json", "csaf/fortinet/FG-IR-24-041.json", "csaf/fortinet/FG-IR-24-385.json",
    "csaf/fortinet/FG-IR-25-454.json", "csaf/suse/cve-1999-0003.vex.json",
}
_LINE = re.compile(r"^(skipped|warning): (.+?)(?: at (\$\S*))?: (.*)$")


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def problems(stderr: str, root: Path) -> list[tuple[str, str, str, str]]:
    """(tag, file relative to root, JSON path, reason) per stderr line."""
    found = []
    for line in stderr.splitlines():
        match = _LINE.match(line)
        assert match, f"unexpected stderr line: {line}"
        tag, file, path, reason = match.groups()
        found.append((tag, file.replace(f"{root}/", ""), path or "", reason))
    return found


def test_whole_shared_set_imports_then_is_unchanged(db_url: str, sessions, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    add_hosts(sessions, windows_host(build="10.0.19045.4291"), debian_host())
    feeds = shared_dir / "feeds"
    started = time.perf_counter()
    code, out, err = run(db_url, "feeds", "import", str(feeds))
    elapsed = time.perf_counter() - started
    print(f"\nshared feed set ({db_url.split(':')[0].split('+')[0]}): imported in {elapsed:.2f} s")
    assert code == 0 and err == ""  # nothing skipped: only skipped documents print without -v
    *per_kind, total = out.splitlines()
    assert per_kind == PER_KIND_NEW
    assert re.fullmatch(r"77 document\(s\): advisories 1576 new, 1404 unchanged; 0 skipped; \d+ warning\(s\); "
                        r"gaps opened [1-9]\d*, resolved 0", total), total

    code, out, err = run(db_url, "feeds", "import", "-v", str(feeds))
    assert code == 0
    *per_kind, total = out.splitlines()
    assert per_kind == PER_KIND_AGAIN
    assert re.fullmatch(r"77 document\(s\): advisories 2980 unchanged; 0 skipped; \d+ warning\(s\); "
                        r"gaps opened 0, resolved 0", total), total
    notes = problems(err, feeds)
    assert {tag for tag, *_ in notes} == {"warning"}
    by_reason: dict[str, set[str]] = {}
    for _, file, _, reason in notes:
        by_reason.setdefault(reason, set()).add(file)
    assert by_reason["not a feed document patchgap knows (csaf, osv, kev, nvd, msrc)"] == {
        "MANIFEST.csv", "csaf/oasis-distribution-examples/ROLIE/example-01-category.json",
        *(str(p.relative_to(feeds)) for p in (feeds / "schemas").rglob("*.json")),
    }
    assert by_reason["CSAF provider metadata, ROLIE feed or aggregator: not an advisory; "
                     "`feeds add --kind csaf` reads it on sync"] == DISTRIBUTION
    assert by_reason["CSAF directory listing: `feeds add --kind csaf` reads it on sync"] == {
        "csaf/cisa-ot-listing/white/changes.csv", "csaf/cisa-provider-it/white/changes.csv"}
    assert by_reason["CVRF release index (2 documents): no advisories; import the documents it links"] == {
        "msrc/cvrf-api/updates.json"}
    # Parser warnings (e.g. Fortinet's remediations naming undefined product ids) name a JSON path.
    assert all(path.startswith("$.") for _, file, path, _ in notes if file.startswith("csaf/fortinet/"))


def test_strict_schema_check_skips_invalid_documents(db_url: str, shared_dir: Path) -> None:
    feeds = shared_dir / "feeds"
    code, out, err = run(db_url, "feeds", "import", "--strict", "--schema-dir", str(feeds / "schemas"),
                         str(feeds / "csaf"), str(feeds / "osv"))
    assert code == 0
    *per_kind, total = out.splitlines()
    assert per_kind == [
        "  csaf: 52 document(s): advisories 47 new; 5 skipped",
        "  osv: 20 document(s): advisories 20 new; 0 skipped",
    ]
    assert total.startswith("72 document(s): advisories 67 new; 5 skipped; ")
    skipped = problems(err, feeds)
    assert {file for _, file, _, _ in skipped} == SCHEMA_FAILURES
    assert all(tag == "skipped" and path.startswith("$.") and reason.startswith("schema: ")
               for tag, _, path, reason in skipped)
    assert ("skipped", "csaf/suse/cve-1999-0003.vex.json", "$.product_tree", "schema: {} should be non-empty") in skipped
