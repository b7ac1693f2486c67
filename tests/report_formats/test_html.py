"""The HTML report: self-contained and escaped, with the Vietnamese
administrative header and signatures; printed by real headless Chromium to an
A4 PDF that poppler reads back (one section per page, numbered footers)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from html import escape
from pathlib import Path

import pytest

from server.reports.formats import html
from server.reports.i18n import label, phrase
from server.reports.layout import sections
from tests.report_formats.sample import weekly_report

LANGS = ["en", "vi"]
EXTERNAL = re.compile(r"https?://|src\s*=|href\s*=|url\(|@import|<link|<script|<img|<iframe", re.IGNORECASE)


def page(lang: str, **changes: object) -> str:
    return html.render(dataclasses.replace(weekly_report(), **changes), lang).decode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_self_contained_with_every_section(lang: str) -> None:
    text = page(lang)
    assert EXTERNAL.findall(text) == []
    for section in sections(weekly_report(), lang):
        assert f"<h2>{escape(section.title)}</h2>" in text
    assert "<thead>" in text and "<svg " in text
    assert f'"{phrase("page", lang)} " counter(page) " / " counter(pages)' in text


def test_text_is_escaped() -> None:
    text = page("en")
    assert "&lt;Print Spooler&gt; &amp; Office" in text and "<Print Spooler>" not in text


def test_vietnamese_administrative_header_and_signatures() -> None:
    text = page("vi")
    for words in ("TỈNH LẠNG SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "……, ngày 30 tháng 11 năm 2026", "BÁO CÁO TÌNH HÌNH KHẮC PHỤC LỖ HỔNG BẢO MẬT",
                  "Tuần 2026-W48: từ ngày 23/11/2026 đến ngày 29/11/2026", "Người lập biểu", "Thủ trưởng đơn vị",
                  "(Ký, ghi rõ họ tên)"):
        assert words in text
    assert text.index("Người lập biểu") > text.index(escape(phrase("section_trend", "vi")))
    assert "TẤT CẢ CÁC ĐƠN VỊ" in page("vi", units=[])


@pytest.mark.parametrize(("generated", "line"), [
    # Decree 30/2020: a zero before days 1-9 and months 1-2; dated in Vietnam's time (UTC+7).
    (dt.datetime(2027, 2, 3, 8, 0, tzinfo=dt.timezone.utc), "ngày 03 tháng 02 năm 2027"),
    (dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.timezone.utc), "ngày 01 tháng 12 năm 2026"),
])
def test_place_and_date_line(generated: dt.datetime, line: str) -> None:
    assert line in page("vi", generated_at=generated)


def test_english_plain_header_and_signatures() -> None:
    text = page("en", units=[])
    for words in ("Patch-gap report", "Week 2026-W48: 23/11/2026 – 29/11/2026", "Units: all units",
                  "Generated 30/11/2026 01:15", "Prepared by", "Head of unit", "(signature, full name)"):
        assert words in text
    assert "CỘNG HÒA" not in text


def test_warnings_emphasise_handled_of_total_and_flag_deadlines() -> None:
    text = page("vi")
    assert '<td class="emphasis">3/5</td>' in text
    assert f'<p class="alert due-soon">⚠ {phrase("due_soon", "vi")}</p>' in text
    assert f'<p class="alert overdue">⚠ {phrase("past_deadline", "vi")}</p>' in text
    assert '<tr class="strong">\n<td class="unit">Tỉnh Lạng Sơn</td>' in text


# --- Printed by a real browser --------------------------------------------------------------------------------


def _tools() -> dict[str, str]:
    found = {"chromium": shutil.which("chromium") or shutil.which("chromium-browser") or ""}
    found.update({tool: shutil.which(tool) or "" for tool in ("pdfinfo", "pdftotext", "pdftoppm")})
    missing = [tool for tool, path in found.items() if not path]
    if missing:
        reason = f"{', '.join(missing)} not installed: apt-get install chromium poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _print(tools: dict[str, str], source: Path, pdf: Path, profile: Path) -> None:
    subprocess.run([tools["chromium"], "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri()],
                   check=True, capture_output=True, timeout=180)


def _info(tools: dict[str, str], pdf: Path) -> tuple[int, str]:
    """The PDF's page count and pdfinfo's whole answer."""
    info = subprocess.run([tools["pdfinfo"], str(pdf)], check=True, capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert found, info
    return int(found.group(1)), info


def _text(tools: dict[str, str], pdf: Path, number: int) -> str:
    out = subprocess.run([tools["pdftotext"], "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(pdf), "-"],
                         check=True, capture_output=True).stdout
    return " ".join(unicodedata.normalize("NFC", out.decode("utf-8")).split())


@pytest.mark.parametrize("lang", LANGS)
def test_prints_to_a4_pages_in_headless_chromium(lang: str, tmp_path: Path) -> None:
    tools = _tools()
    source, pdf = tmp_path / f"report-{lang}.html", tmp_path / f"report-{lang}.pdf"
    source.write_bytes(html.render(weekly_report(), lang))
    _print(tools, source, pdf, tmp_path / "profile")

    pages, info = _info(tools, pdf)
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.MULTILINE)
    titles = [s.title for s in sections(weekly_report(), lang)]
    # Each section starts a page; the sample's sections fit on one page each.
    assert pages == len(titles) >= 3
    for number, title in enumerate(titles, 1):
        text = _text(tools, pdf, number)
        assert title in text
        assert f"{phrase('page', lang)} {number} / {pages}" in text
    assert phrase("prepared_by", lang) in _text(tools, pdf, pages)
    if lang == "vi":
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _text(tools, pdf, 1)

    subprocess.run([tools["pdftoppm"], "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    tools = _tools()
    report = weekly_report()
    actions = [dataclasses.replace(row, priority=i + 1) for i, row in enumerate(report.actions * 25)]
    source, pdf = tmp_path / "long.html", tmp_path / "long.pdf"
    source.write_bytes(html.render(dataclasses.replace(report, actions=actions), "en"))
    _print(tools, source, pdf, tmp_path / "profile")
    pages = [_text(tools, pdf, number) for number in range(1, _info(tools, pdf)[0] + 1)]
    start = next(i for i, text in enumerate(pages) if phrase("section_actions", "en") in text)
    end = next(i for i, text in enumerate(pages) if phrase("section_changes", "en") in text)
    assert end - start >= 2
    for text in pages[start:end]:
        assert label("address", "en") in text and label("install", "en") in text
    assert sum(text.count("ke-toan-01") for text in pages[start:end]) == 25
