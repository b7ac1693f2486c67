"""The CSAF import benchmark on a 30-document provider over loopback HTTP and
SQLite: every step fetches, parses and stores what it should. No timings are
asserted: a benchmark is not a test."""
from __future__ import annotations

from pathlib import Path

from bench import feeds_import


def test_provider_sync_steps_fetch_only_what_changed(tmp_path: Path) -> None:
    results = feeds_import.run("sqlite", 30, 5, tmp_path)
    counts = {step.key: (step.documents, step.stored, step.listed, step.requests) for step in results.steps}
    assert counts == {
        "parse": (30, 0, 30, None),
        # provider-metadata.json and changes.csv, then each document and its .sha512
        "sync": (30, 30, 30, 2 + 30 * 2),
        "resync": (0, 0, 30, 2),  # the listing says nothing changed: no document fetched
        "partial": (5, 5, 30, 2 + 5 * 2),
        "import": (30, 30, 30, None),
        "reimport": (30, 0, 30, None),  # every document read again, every advisory unchanged
    }
    assert results.step("resync").note == "30 unchanged, not fetched"
    assert results.step("reimport").note == "advisories 30 unchanged"
    assert results.tables["advisories"] == results.import_tables["advisories"] == 30
    assert results.tables["hosts"] == 6
    # The hosts have packages the documents name: the first sync opened gaps.
    assert results.step("sync").opened == results.step("import").opened > 0
    table = feeds_import.render(results)
    assert "first sync over HTTP" in table and "sync after 5 documents changed" in table
