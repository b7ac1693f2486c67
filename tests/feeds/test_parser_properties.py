"""Mutated, truncated and random inputs to the parsers that other property
tests do not cover (KEV, the warning template, letter text): problems or
clear FeedErrors, never another exception."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.feeds.interface import FeedError
from server.feeds.kev import parse_kev
from server.feeds.letters import parse_letter_text
from server.feeds.warnings import parse_template

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _kev_base() -> dict:
    return json.loads((FIXTURES / "kev" / "kev.json").read_text(encoding="utf-8"))


@SETTINGS
@given(data=st.data())
def test_mutated_kev_catalogues(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    doc = _kev_base()
    vulns = doc.get("vulnerabilities") or [{}]
    index = data.draw(st.integers(0, len(vulns) - 1))
    key = data.draw(st.sampled_from(sorted(vulns[index]) or ["cveID"]))
    if data.draw(st.booleans()):
        vulns[index].pop(key, None)
    else:
        vulns[index][key] = data.draw(JUNK)
    path = tmp_path_factory.mktemp("kev") / "kev.json"
    raw = json.dumps(doc).encode()
    path.write_bytes(raw[: data.draw(st.integers(len(raw) // 2, len(raw)))])
    try:
        entries, problems = parse_kev(path)
    except FeedError:
        return
    assert all(e.cve.startswith("CVE-") for e in entries)
    assert len(entries) + len(problems) >= 1


@SETTINGS
@given(rows=st.lists(st.lists(st.text(max_size=25), min_size=0, max_size=16), max_size=6))
def test_random_template_rows(tmp_path_factory, rows) -> None:  # type: ignore[no-untyped-def]
    import csv

    path = tmp_path_factory.mktemp("tpl") / "w.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Warning number", "Product", "Ecosystem", "Fixed version or build", "KB", "Date", "CVE"])
        writer.writerows([[c.replace("\x00", "") for c in row] for row in rows])
    try:
        result = parse_template(path)
    except FeedError:
        return
    # Every data row is either imported or named in a problem.
    assert len(result.problems) + sum(len(a.affected) for a in result.advisories) == result.rows


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_random_letter_text(text: str) -> None:
    letter = parse_letter_text(text + " CVE-2024-30080 ")
    assert "CVE-2024-30080" in letter.cve_ids
