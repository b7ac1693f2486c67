"""The weekly report of the demo province for week 2026-W48, in every format
and language, against golden files (``pytest --update-golden`` rewrites
them; review the diff). Formats a library can read are read back too, and
PostgreSQL must give the very same report as SQLite."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import openpyxl
import pytest

from server.db.engine import make_engine, make_reader, make_sessionmaker
from server.reports import build as build_module, formats
from tests.reports_fleet import GENERATED, WEEK, build_fleet, sqlite_fleet, weekly

GOLDEN = Path(__file__).parent / "golden"
TEXT_FORMATS = ("text", "markdown", "csv", "json", "html")
SUFFIX = {"text": "txt", "markdown": "md", "csv": "csv", "json": "json", "html": "html"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    url, _province = sqlite_fleet(tmp_path_factory, tmp_path_factory.mktemp("golden"))
    engine = make_engine(url)
    try:
        yield weekly(make_sessionmaker(engine))
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_format_matches_its_golden_file(report, fmt: str, lang: str, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    rendered = formats.render(report, fmt, lang)
    golden = GOLDEN / f"weekly-2026-W48.{lang}.{SUFFIX[fmt]}"
    if update_golden or not golden.exists():
        golden.write_bytes(rendered)
        if not update_golden:
            pytest.fail(f"{golden.name} did not exist; written now: review and commit it")
    assert rendered.decode("utf-8") == golden.read_bytes().decode("utf-8")


def test_json_reads_back_as_the_report(report) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(formats.render(report, "json", "en"))
    assert data["period"]["iso_week"] == "2026-W48"
    assert data["summary"]["hosts"] == report.summary.hosts
    assert [w["number"] for w in data["warnings"]] == [w.number for w in report.warnings]
    # One line per open host–advisory pair; a pair may hold several findings.
    assert len(data["gaps"]) == len(report.gaps) and report.gaps
    assert len({(g["host"], g["advisory"]) for g in data["gaps"]}) == len(report.gaps) <= report.summary.open_gaps


def test_csv_is_one_host_advisory_pair_per_line_with_a_bom(report) -> None:  # type: ignore[no-untyped-def]
    raw = formats.render(report, "csv", "vi")
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Máy", "Đơn vị", "Cảnh báo"]
    assert len(rows) - 1 == len(report.gaps)
    assert {(r[0], r[2]) for r in rows[1:]} == {(g.host, g.advisory) for g in report.gaps}


@pytest.mark.parametrize("fmt", sorted(formats.STREAMED))
def test_streamed_formats_write_what_render_gives(tmp_path_factory, monkeypatch, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """``report weekly`` writes CSV and JSON as their gap list is read, two
    hosts per query here (so the batches' seams are crossed many times):
    the bytes are those of the golden file, rendered from the whole list."""
    monkeypatch.setattr(build_module, "GAP_HOSTS_PER_QUERY", 2)
    url, _province = sqlite_fleet(tmp_path_factory, tmp_path_factory.mktemp("streamed"))
    engine = make_engine(url)
    try:
        with make_reader(engine).begin() as session:
            report = build_module.build(session, WEEK, [], now=GENERATED, **formats.limits(fmt, streamed=True))
            assert report.gaps == []  # left to the stream
            out = io.BytesIO()
            formats.write(report, fmt, "vi", out, build_module.gap_list(session, WEEK, []))
    finally:
        engine.dispose()
    assert out.getvalue() == (GOLDEN / f"weekly-2026-W48.vi.{SUFFIX[fmt]}").read_bytes()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_xlsx_reads_back_with_every_section(report, lang: str) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(formats.render(report, "xlsx", lang)))
    assert len(book.sheetnames) >= 7
    rows = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
    pairs = {(g.host, g.advisory) for g in report.gaps}
    assert [(r[0], r[2]) for r in rows if (r[0], r[2]) in pairs] == [(g.host, g.advisory) for g in report.gaps]


@pytest.mark.postgres
def test_postgresql_gives_the_same_report_as_sqlite(report, db_url: str) -> None:  # type: ignore[no-untyped-def]
    if not db_url.startswith("postgresql"):
        pytest.skip("compares PostgreSQL with the SQLite report")
    engine = make_engine(db_url)
    try:
        sessions = make_sessionmaker(engine)
        build_fleet(sessions)
        assert dataclasses.asdict(weekly(sessions)) == dataclasses.asdict(report)
    finally:
        engine.dispose()
