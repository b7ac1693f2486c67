"""The national warning template: headers in both languages, every row
checked, errors naming row and column."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.feeds.interface import AffectedItem, FeedError
from server.feeds.warning_template import write_template
from server.feeds.warnings import Letter, parse_template


def test_english_template_groups_rows_per_letter(fixtures_dir: Path) -> None:
    result = parse_template(fixtures_dir / "warnings" / "two_letters_en.csv")
    assert result.problems == []
    assert result.rows == 3
    assert result.letters == [
        Letter(
            number="2074/CATTT-NCSC",
            issuing_body="Cục An toàn thông tin",
            issued_on=dt.date(2023, 11, 22),
            subject="V/v lỗ hổng trong sản phẩm Microsoft tháng 11/2023",
            severity="critical",
            cves=("CVE-2023-36033", "CVE-2023-36036", "CVE-2023-36025"),
            deadline=dt.date(2023, 12, 6),
        ),
        Letter(
            number="DSA-5724-1",
            issuing_body="Debian Security Team",
            issued_on=dt.date(2024, 7, 1),
            subject="openssh: regreSSHion",
            severity="high",
            cves=("CVE-2024-6387",),
            deadline=dt.date(2024, 7, 15),
        ),
    ]
    microsoft = result.advisories[0]
    assert microsoft.source == "warning" and microsoft.exploited is True
    assert microsoft.affected == (
        AffectedItem("windows-os", "10.0.19045", fixed_version="10.0.19045.3693", fixed_kbs=("KB5032189",), vendor="microsoft"),
        # KB only: the build family comes from the product name.
        AffectedItem("windows-os", "10.0.22621", fixed_kbs=("KB5032190",), vendor="microsoft"),
    )
    assert result.advisories[1].affected == (
        AffectedItem("deb", "openssh", fixed_version="1:9.2p1-2+deb12u3", distro="debian:12"),
    )


def test_vietnamese_headers_without_accents_bom_and_semicolons(fixtures_dir: Path) -> None:
    result = parse_template(fixtures_dir / "warnings" / "vi_no_accents_semicolon.csv")
    assert result.problems == []
    (letter,) = result.letters
    assert (letter.number, letter.issued_on, letter.severity, letter.deadline) == (
        "607/CATTT-NCSC", dt.date(2024, 4, 17), "critical", dt.date(2024, 4, 24)
    )
    assert result.advisories[0].affected == (AffectedItem("generic", "PAN-OS", fixed_version="11.1.2-h3"),)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_written_template_reads_back(tmp_path: Path, suffix: str, lang: str) -> None:
    path = tmp_path / f"template{suffix}"
    write_template(path, lang, example=True)
    result = parse_template(path)
    assert result.problems == []
    assert [letter.number for letter in result.letters] == ["1547/CATTT-NCSC"]
    assert result.advisories[0].affected == (
        AffectedItem("deb", "openssl", fixed_version="3.0.11-1~deb12u2", distro="debian:12"),
    )


def test_blank_template_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_template(path, "vi")
    result = parse_template(path)
    assert (result.rows, result.letters, result.problems) == (0, [], [])


def _write(tmp_path: Path, rows: list[str]) -> Path:
    header = "Warning number,Date,CVE,Severity,Product,Ecosystem,Fixed version or build,KB,Deadline,Exploited"
    path = tmp_path / "w.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_every_bad_row_is_named_with_its_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            "1/X,01/01/2024,CVE-2024-0001,high,openssl,deb,3.0.1,,31/01/2024,no",  # good
            "2/X,31/02/2024,CVE-2024-0002,high,openssl,deb,3.0.1,,,",  # bad date
            "3/X,,CVE-24-1,high,openssl,deb,3.0.1,,,",  # bad CVE
            "4/X,,,urgent,openssl,deb,3.0.1,,,",  # bad severity
            "5/X,,,,openssl,debian,3.0.1,,,",  # bad ecosystem
            "6/X,,,,openssl,deb,,,,",  # no fix
            ",,,,openssl,deb,1.0,,,",  # no number
            "7/X,,,,Windows 7,windows-os,,KB123,,",  # bad KB
            "8/X,,,,Windows XP,windows-os,,KB4012598,,",  # unknown Windows release
            "9/X,,,,openssl,deb,1.0,,,maybe",  # bad yes/no
            "1/X,02/01/2024,,,curl,deb,7.88.1-10,,,",  # conflicting date for 1/X
        ],
    )
    result = parse_template(path)
    assert [(p.path, p.reason.split(":")[0]) for p in result.problems] == [
        ("row 3", "Date"),
        ("row 4", "not a CVE id"),
        ("row 5", "unknown severity 'urgent' (critical, high, medium, low)"),
        ("row 6", "Ecosystem"),
        ("row 7", "Fixed version or build / KB"),
        ("row 8", "Warning number"),
        ("row 9", "not a KB id"),
        ("row 10", "Product"),
        ("row 11", "not yes/no"),
        ("row 12", "Date"),
    ]
    assert result.problems[-1].reason == "Date: 02/01/2024 differs from 01/01/2024 given for 1/X in row 2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"Product,Ecosystem\nx,deb\n", "missing column(s): Warning number"),
        ("Warning number,Product,Ecosystem\n1,é,deb\n".encode("cp1258"), "not UTF-8"),
    ],
)
def test_unusable_files_are_refused_whole(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(content)
    with pytest.raises(FeedError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_template(path)


def test_corrupt_xlsx_and_wrong_suffix(tmp_path: Path) -> None:
    bad = tmp_path / "w.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FeedError, match="xlsx"):
        parse_template(bad)
    with pytest.raises(FeedError, match=".csv or .xlsx"):
        parse_template(tmp_path / "letter.pdf")


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Windows 10 Version 22H2", "10.0.19045"),
        ("windows 11 23h2", "10.0.22631"),
        ("Windows Server 2022", "10.0.20348"),
        ("Windows Server 2022, 23H2 Edition", "10.0.25398"),
        ("Windows Server 2008 R2", "6.1.7601"),
        ("Windows Server 2008", "6.0.6003"),
        ("10.0.19045.4529", "10.0.19045"),
        ("Windows XP", None),
        ("1.2", None),
    ],
)
def test_windows_release_names_give_their_build_family(name: str, family: str | None) -> None:
    from server.feeds.windows_builds import build_family

    assert build_family(name) == family
