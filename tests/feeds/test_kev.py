"""CISA KEV catalog: JSON and CSV read the same, enrichment-only advisories."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.feeds.interface import Advisory, FeedError, Problem
from server.feeds.kev import CATALOG_URL, KevEntry, KevFeed, parse_kev

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "kev"
PAN_OS = KevEntry(
    cve="CVE-2024-3400",
    vendor="Palo Alto Networks",
    product="PAN-OS",
    name="Palo Alto Networks PAN-OS Command Injection Vulnerability",
    date_added=dt.date(2024, 4, 12),
    due_date=dt.date(2024, 4, 19),
    known_ransomware=True,
    notes="https://security.paloaltonetworks.com/CVE-2024-3400",
)


@pytest.fixture(scope="module")
def shared_kev(shared_dir: Path) -> Path:
    return shared_dir / "feeds" / "kev"


def test_own_json_and_csv_read_the_same() -> None:
    from_json, json_problems = parse_kev(OWN / "kev.json")
    from_csv, csv_problems = parse_kev(OWN / "kev.csv")
    assert from_json == from_csv
    assert [e.cve for e in from_json] == ["CVE-2024-3400", "CVE-2022-40684", "CVE-2021-44228"]
    assert from_json[0] == PAN_OS
    assert from_json[1].known_ransomware is False and from_json[1].due_date == dt.date(2022, 11, 1)
    assert json_problems == [
        Problem(str(OWN / "kev.json"), "not a YYYY-MM-DD date: '2099-02-30'", "$.vulnerabilities[3].dueDate", False)
    ]
    assert csv_problems == [
        Problem(str(OWN / "kev.csv"), "not a YYYY-MM-DD date: '2099-02-30'", "line 5, column dueDate", False)
    ]


def test_shared_catalog_json_and_csv(shared_kev: Path) -> None:
    from_json, json_problems = parse_kev(shared_kev / "known_exploited_vulnerabilities.json")
    from_csv, csv_problems = parse_kev(shared_kev / "known_exploited_vulnerabilities.csv")
    assert json_problems == [] and csv_problems == []
    assert len(from_json) == 1404  # the catalog's own "count"
    assert {e.cve for e in from_json} == {e.cve for e in from_csv}
    assert from_json == from_csv
    by_cve = {e.cve: e for e in from_json}
    assert by_cve["CVE-2022-40684"].due_date == dt.date(2022, 11, 1)
    assert by_cve["CVE-2022-40684"].date_added == dt.date(2022, 10, 11)
    assert by_cve["CVE-2022-40684"].vendor == "Fortinet"
    assert by_cve["CVE-2024-3400"].due_date == dt.date(2024, 4, 19)
    assert by_cve["CVE-2024-3400"].known_ransomware is True
    assert by_cve["CVE-2025-48384"].due_date == dt.date(2025, 9, 15)


def test_feed_yields_enrichment_only_advisories() -> None:
    [parsed] = list(KevFeed().parse(OWN / "kev.json"))
    assert parsed.ok and len(parsed.advisories) == 3
    assert parsed.advisories[0] == Advisory(
        source="kev",
        advisory_id="CVE-2024-3400",
        title="Palo Alto Networks PAN-OS Command Injection Vulnerability",
        cves=("CVE-2024-3400",),
        published=dt.datetime(2024, 4, 12, tzinfo=dt.timezone.utc),
        revision="2024-04-12",
        url=CATALOG_URL,
        exploited=True,
        deadline=dt.date(2024, 4, 19),
    )
    assert all(a.affected == () and a.exploited for a in parsed.advisories)


def test_feed_reads_a_folder(shared_kev: Path) -> None:
    results = list(KevFeed().parse(shared_kev))
    assert [Path(r.source_file).name for r in results] == [
        "known_exploited_vulnerabilities.csv", "known_exploited_vulnerabilities.json",
    ]
    assert all(r.ok and len(r.advisories) == 1404 for r in results)


@pytest.mark.parametrize(
    ("name", "content", "path", "reason"),
    [
        ("broken.json", None, "$.vulnerabilities", "the catalog has no 'vulnerabilities' array"),
        ("cut.json", b'{"vulnerabilities": [{"cveID": "CVE-', "$", "not JSON"),
        ("cols.csv", b"cveID,vendorProject\nCVE-2024-1,x\n", "line 1", "missing columns: dateAdded, dueDate"),
        ("huge.csv", b'cveID,dateAdded,dueDate\nCVE-2024-0001,2024-01-01,"' + b"x" * 200_000 + b'"\n', "", "not CSV"),
        ("latin1.csv", b"cveID,dateAdded,dueDate\nCVE-2024-0001,\xe9,2024\n", "", "cannot read"),
    ],
)
def test_unreadable_catalogs_are_one_fatal_problem(
    tmp_path: Path, name: str, content: bytes | None, path: str, reason: str
) -> None:
    file = OWN / name if content is None else tmp_path / name
    if content is not None:
        file.write_bytes(content)
    entries, problems = parse_kev(file)
    assert entries == []
    [problem] = problems
    assert (problem.path, problem.fatal) == (path, True) and problem.reason.startswith(reason)


def test_bad_and_duplicate_rows_are_warnings(tmp_path: Path) -> None:
    file = tmp_path / "kev.csv"
    file.write_text(
        "cveID,vendorProject,product,vulnerabilityName,dateAdded,dueDate,knownRansomwareCampaignUse\n"
        "CVE-2024-0001,V,P,N,2024-01-01,2024-01-22,Unknown\n"
        "not-a-cve,V,P,N,2024-01-01,2024-01-22,Unknown\n"
        "cve-2024-0001,V,P,Again,2024-02-01,2024-02-22,Known\n",
        encoding="utf-8-sig",  # NOTE: a BOM, as spreadsheet exports write
    )
    entries, problems = parse_kev(file)
    assert [(e.cve, e.name) for e in entries] == [("CVE-2024-0001", "N")]
    assert [(p.path, p.reason, p.fatal) for p in problems] == [
        ("line 3, column cveID", "not a CVE id: 'not-a-cve'", False),
        ("line 4", "duplicate CVE-2024-0001; first kept", False),
    ]


def test_missing_input_is_a_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError):
        list(KevFeed().parse(tmp_path / "missing.json"))
