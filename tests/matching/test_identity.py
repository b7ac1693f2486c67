"""Product identity as data: display names and advisory CPEs meet on one
``vendor:product`` key; admins extend the rules with their own file."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from server.db.models import Software
from server.feeds.interface import AffectedItem
from server.matching.engine import match_all
from server.matching.findings import refresh_findings
from server.matching.identity import advisory_match_name, match_name, program_identity
from server.matching.products import ENV_VAR, RulesError, load_rules
from tests.matching.helpers import NOW, advisory, findings, pkg, publish, report, windows


@pytest.mark.parametrize(("display", "identity"), [
    ("7-Zip 23.01 (x64)", "7-zip:7-zip"),
    ("Google Chrome", "google:chrome"),
    ("Google Chrome.app", "google:chrome"),
    ("Mozilla Firefox (x64 en-US)", "mozilla:firefox"),
    ("Mozilla Firefox 124.0.2 (x64 vi)", "mozilla:firefox"),
    ("Foxit PDF Reader", "foxit:pdf_reader"),
    ("Foxit Reader", "foxit:pdf_reader"),
    ("Adobe Acrobat Reader DC - Vietnamese", "adobe:acrobat_reader_dc"),
    ("Microsoft Edge", "microsoft:edge_chromium"),
    ("WinRAR 6.24 (64-bit)", "rarlab:winrar"),
    ("VLC media player", "videolan:vlc_media_player"),
    ("Notepad++ (64-bit x64)", "notepad-plus-plus:notepad++"),
    ("Zoom Workplace (64-bit)", "zoom:meeting_software"),
    ("zoom.us.app", "zoom:meeting_software"),
    ("Bộ gõ Tiếng Việt UniKey", "unikey:unikey"),
    ("UniKey 4.6 RC2", "unikey:unikey"),
    ("EVKey", "evkey:evkey"),
    ("Cốc Cốc", "coccoc:coc_coc_browser"),
])
def test_display_names_are_identified(display: str, identity: str) -> None:
    assert match_name("windows-program", display) == identity


def test_a_program_no_rule_knows_keeps_its_name_and_says_why() -> None:
    found = program_identity("Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130")
    assert (found.key, found.identified, found.reason) == (
        "microsoft visual c++ redistributable", False, "no product rule matches 'microsoft visual c++ redistributable'")
    assert program_identity("1.0.3 (x64)").reason == "nothing but version or platform words in '1.0.3 (x64)'"


@pytest.mark.parametrize(("product", "vendor", "cpe", "identity"), [
    ("7-zip", "7-zip", "cpe:2.3:a:7-zip:7-zip:*:*:*:*:*:*:*:*", "7-zip:7-zip"),
    ("reader", "foxit", "cpe:2.3:a:foxit:reader:9.7:*:*:*:*:*:*:*", "foxit:pdf_reader"),  # NVD's old name
    ("chrome", "google", "", "google:chrome"),
    ("Google Chrome", "Google", "", "google:chrome"),
    ("Microsoft Edge (Chromium-based)", "microsoft", "", "microsoft:edge_chromium"),
    ("FortiOS 7.2", "fortinet", "", "fortinet:fortios"),
    ("Mozilla Firefox", "", "", "mozilla:firefox"),
])
def test_advisory_items_reach_the_same_key(product: str, vendor: str, cpe: str, identity: str) -> None:
    assert advisory_match_name("generic", product, vendor, cpe) == identity
    assert advisory_match_name("deb", "OpenSSL") == "openssl"
    assert advisory_match_name("windows-os", "10.0.19045") == "10.0.19045"


def test_admin_rules_extend_and_override(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text("# ours\nmatch,pattern,vendor,product,note\nname,contoso van ban,contoso,van_ban,\n"
                    "regex,google chrome( canary)?,google,chrome_canary,override\n", encoding="utf-8")
    rules = load_rules([path])
    assert program_identity("Contoso Văn bản 2.1", rules).key == "contoso:van_ban"
    assert program_identity("Google Chrome", rules).key == "google:chrome"  # exact names are tried first
    assert program_identity("Google Chrome Canary", rules).key == "google:chrome_canary"
    assert program_identity("7-Zip 9.20", rules).key == "7-zip:7-zip"


@pytest.mark.parametrize(("text", "error"), [
    ("pattern,vendor\n", "rules.csv:1: the header must be match,pattern,vendor,product,note"),
    ("match,pattern,vendor,product,note\nglob,x*,a,b,\n", "rules.csv:2: match must be name, regex or cpe, not 'glob'"),
    ("match,pattern,vendor,product,note\nregex,(x,a,b,\n", "rules.csv:2: bad regex '(x'"),
    ("match,pattern,vendor,product,note\nname,x,Big Corp,b,\n", "vendor and product must be CPE 2.3 names"),
])
def test_bad_rule_files_are_refused_with_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=error.replace("(", r"\(")):
        load_rules([path])


def test_a_new_rule_applies_after_match_all(sessions, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        report(session, windows("pc", "10.0.19045.4529", programs=[pkg("Contoso Văn bản 2.1", "2.1", "windows-program")]))
        publish(session, advisory("1700/CATTT", AffectedItem("windows-program", "van_ban", vendor="contoso",
                                                             fixed_version="2.2"), source="warning"))
        assert findings(session) == set()
    path = tmp_path / "rules.csv"
    path.write_text("match,pattern,vendor,product,note\nname,contoso van ban,contoso,van_ban,\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    with sessions.begin() as session:
        match_all(session)
        refresh_findings(session, None, NOW)
        assert session.scalar(select(Software.match_name)) == "contoso:van_ban"
        assert findings(session) == {("pc", "1700/CATTT", "Contoso Văn bản 2.1")}
