"""A PDF warning letter that names only CVEs, resolved through the other feeds.

The letter is generated here with fpdf2 in Vietnamese (DejaVuSans from
``fonts-dejavu-core``; the tests skip without it). It names a Windows CVE
(MSRC), a Debian one (OSV), an application one (NVD) and one no feed knows.
With the shared data the sources are real feed snapshots; the "own" scenario
runs the same checks on the project's fixtures, so it means something
without them. Both orders are tried: letter after the feeds, and before.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from collector import wire
from server.cli import main
from tests.feeds.conftest import make_pdf
from tests.reports import debian_host, software, store_report, windows_host

NUMBER = "9999/TEST"
UNKNOWN = "CVE-2099-99999"
SEVEN_ZIP = ("CVE-2025-0411", "generic", "7-zip", "", "24.09", "", "nvd CVE-2025-0411")
LETTER = """UBND TỈNH QUẢNG NAM
SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 456/SKHCN-CNTT
V/v cảnh báo lỗ hổng bảo mật trong Windows, Debian và 7-Zip
Quảng Nam, ngày 14 tháng 06 năm 2024
Kính gửi: Các cơ quan, đơn vị trên địa bàn tỉnh.
Thực hiện công văn của Cục An toàn thông tin, Sở đề nghị các đơn vị rà soát các lỗ hổng sau:
1. Các lỗ hổng có mức độ Nghiêm trọng:
- {windows}: Lỗ hổng trong Windows cho phép thực thi mã từ xa.
2. Các lỗ hổng có mức độ Cao:
- {debian}: Lỗ hổng trong gói {package} của Debian.
- CVE-2025-0411: Lỗ hổng trong 7-Zip; lỗ hổng đang bị khai thác trong thực tế.
- CVE-2099-99999: Lỗ hổng chưa được công bố chi tiết.
Đề nghị các cơ quan, đơn vị kiểm tra, rà soát, xác định máy bị ảnh hưởng; cập nhật bản vá kịp thời."""


@dataclass(frozen=True)
class Scenario:
    """Feed files to import, the letter's CVEs, and what they must resolve to."""

    sources: tuple[Path, ...]
    windows_cve: str
    windows_rows: tuple[tuple[str, ...], ...]  # the Windows 10 22H2 rows (the host's build family)
    windows_items: int  # every Windows build the CVE's update covers
    debian_cve: str
    debian_rows: tuple[tuple[str, ...], ...]
    debian: wire.Report
    fixed_build: str

    @property
    def cves(self) -> list[str]:
        return [self.windows_cve, self.debian_cve, "CVE-2025-0411", UNKNOWN]


def _shared(shared: Path, fixtures: Path) -> Scenario:
    feeds = shared / "feeds"
    win = tuple(("CVE-2024-30080", "windows-os", "10.0.19045", f"windows-10-22h2-{arch}", "10.0.19045.4529",
                 "KB5039211", "msrc CVE-2024-30080") for arch in ("arm64", "x64", "x86"))
    return Scenario(
        sources=(feeds / "msrc" / "cvrf", feeds / "osv" / "debian" / "DSA-3029-1.json",
                 fixtures / "nvd" / "cve-api-2.0-page.json"),
        windows_cve="CVE-2024-30080", windows_rows=win, windows_items=28,
        debian_cve="CVE-2014-3616",
        debian_rows=(("CVE-2014-3616", "deb", "nginx", "debian:7", "1.2.1-2.2+wheezy3", "", "osv DSA-3029-1"),),
        debian=debian_host(version="7", packages=[software("nginx", "1.2.1-2.2+wheezy2")]),
        fixed_build="10.0.19045.4529",
    )


def _own(fixtures: Path) -> Scenario:
    win = tuple(("CVE-2024-30051", "windows-os", "10.0.19045", f"windows-10-22h2-{arch}", "10.0.19045.4412",
                 "KB5037768", "msrc CVE-2024-30051") for arch in ("x64", "x86"))
    return Scenario(
        sources=(fixtures / "msrc" / "cvrf-2024-May-subset.json", fixtures / "osv" / "DSA-9001-1.json",
                 fixtures / "nvd" / "cve-api-2.0-page.json"),
        windows_cve="CVE-2024-30051", windows_rows=win, windows_items=5,
        debian_cve="CVE-2024-0001",
        debian_rows=(("CVE-2024-0001", "deb", "openssl", "debian:11", "1.1.1w-0+deb11u1", "", "osv DSA-9001-1"),
                     ("CVE-2024-0001", "deb", "openssl", "debian:12", "3.0.11-1~deb12u2", "", "osv DSA-9001-1")),
        debian=debian_host(packages=[software("openssl", "3.0.11-1~deb12u1")]),
        fixed_build="10.0.19045.4412",
    )



@pytest.fixture(params=["shared", "own"])
def scenario(request: pytest.FixtureRequest, fixtures_dir: Path) -> Scenario:
    if request.param == "own":
        return _own(fixtures_dir)
    return _shared(request.getfixturevalue("shared_dir"), fixtures_dir)



def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def add_hosts(sessions, *reports: wire.Report) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        for report in reports:
            store_report(session, report)


def letter_pdf(tmp_path: Path, font: Path, scenario: Scenario) -> Path:
    package = scenario.debian_rows[0][2]
    text = LETTER.format(windows=scenario.windows_cve, debian=scenario.debian_cve, package=package)
    return make_pdf(tmp_path / "cong-van.pdf", font, text)


def import_feeds(db_url: str, scenario: Scenario) -> str:
    code, out, err = run(db_url, "feeds", "import", *map(str, scenario.sources))
    assert code == 0 and "Traceback" not in out + err, out + err
    return out


@pytest.mark.parametrize("order", ["feeds first", "letter first"])
def test_letter_resolves_through_feeds(db_url: str, sessions, tmp_path: Path, font: Path,  # type: ignore[no-untyped-def]
                                       scenario: Scenario, order: str) -> None:
    add_hosts(sessions, windows_host(build="10.0.19045.4291"), scenario.debian)
    pdf = letter_pdf(tmp_path, font, scenario)
    if order == "feeds first":
        import_feeds(db_url, scenario)
    code, out, err = run(db_url, "warnings", "import", str(pdf), "--number", NUMBER, "--deadline", "28/06/2024",
                         "--issuing-body", "Sở Khoa học và Công nghệ Quảng Nam")
    assert code == 0 and err == "", err
    head, counts = out.splitlines()
    assert head == "warning 9999/TEST, 14/06/2024, deadline 28/06/2024: cảnh báo lỗ hổng bảo mật trong Windows, Debian và 7-Zip"
    resolved = 3 if order == "feeds first" else 0
    not_yet = ", ".join(scenario.cves[resolved:])
    assert counts.startswith(f"4 CVE(s): {resolved} resolved through the feeds, {4 - resolved} not ({not_yet}: "
                             "needs a template row); gaps opened ")
    if order == "letter first":
        assert counts.endswith("gaps opened 0, resolved 0")
        import_feeds(db_url, scenario)

    code, out, _ = run(db_url, "warnings", "show", NUMBER, "--format", "json")
    shown = json.loads(out)
    facts, items = shown["warning"], shown["items"]
    assert (facts["number"], facts["issued_on"], facts["deadline"], facts["severity"], facts["exploited"]) == (
        NUMBER, "2024-06-14", "2024-06-28", "critical", True)
    assert facts["issuing_body"] == "Sở Khoa học và Công nghệ Quảng Nam"
    assert facts["cves"] == scenario.cves and facts["unresolved"] == [UNKNOWN]
    assert facts["affected_hosts"] == 2

    def rows(cve: str, product: str | None = None) -> list[tuple[str, ...]]:
        keys = ("cve", "ecosystem", "item", "distro", "fixed", "kb", "source")
        return [tuple(i[k] for k in keys) for i in items
                if i["cve"] == cve and (product is None or i["item"] == product)]

    assert [i["cve"] for i in items] == sorted((i["cve"] for i in items), key=scenario.cves.index)
    assert len(rows(scenario.windows_cve)) == scenario.windows_items
    assert rows(scenario.windows_cve, "10.0.19045") == list(scenario.windows_rows)
    assert rows(scenario.debian_cve) == list(scenario.debian_rows)
    assert rows("CVE-2025-0411") == [SEVEN_ZIP]
    assert [i for i in items if i["cve"] == UNKNOWN] == [
        {"cve": UNKNOWN, "ecosystem": "", "item": "", "distro": "", "fixed": "", "kb": "", "source": "",
         "affected_hosts": 0, "status": "unresolved"}
    ]
    hit = {(i["item"], i["distro"]): i["affected_hosts"] for i in items if i["affected_hosts"]}
    debian_distro = scenario.debian.os.platform + ":" + str(scenario.debian.os.major)
    assert set(hit) <= {("10.0.19045", row[3]) for row in scenario.windows_rows} | {
        ("7-zip", ""), (scenario.debian_rows[0][2], debian_distro)}
    assert ("7-zip", "") in hit and (scenario.debian_rows[0][2], debian_distro) in hit

    # The hosts' gaps carry the warning's number and deadline.
    code, out, _ = run(db_url, "gaps", "--warning", NUMBER, "--format", "json")
    gaps = {(g["host"], g["advisory"], g["item"], g["installed"], g["fixed"], g["deadline"], g["overdue"])
            for g in json.loads(out)}
    package = scenario.debian.software[0]
    assert gaps == {
        ("MOTCUA-PC07", NUMBER, "Windows 10.0.19045", "10.0.19045.4291", scenario.fixed_build, "2024-06-28", True),
        ("MOTCUA-PC07", NUMBER, "7-Zip 23.01 (x64)", "23.01", "24.09", "2024-06-28", True),
        ("ke-toan-01", NUMBER, package.name, package.version, scenario.debian_rows[-1][4], "2024-06-28", True),
    }

    code, out, _ = run(db_url, "--lang", "vi", "warnings", "show", NUMBER)
    lines = out.splitlines()
    assert lines[:5] == [
        "9999/TEST  cảnh báo lỗ hổng bảo mật trong Windows, Debian và 7-Zip",
        "Sở Khoa học và Công nghệ Quảng Nam  14/06/2024",
        "Thời hạn xử lý: 28/06/2024",
        "CVE: " + ", ".join(scenario.cves),
        "Số máy bị ảnh hưởng: 2",
    ]
    assert lines[6].split()[:4] == ["CVE", "Loại", "Thành", "phần"]
    assert lines[-1].split() == [UNKNOWN, "0", "cần", "quản", "trị", "viên", "bổ", "sung", "dòng", "vào", "mẫu"]


def test_letter_options_and_errors(db_url: str, tmp_path: Path, font: Path, fixtures_dir: Path) -> None:
    pdf = letter_pdf(tmp_path, font, _own(fixtures_dir))
    # No --number: the one the letter states ("Số: 456/SKHCN-CNTT"); no deadline is allowed, with a note.
    code, out, err = run(db_url, "warnings", "import", str(pdf))
    assert code == 0 and out.startswith("warning 456/SKHCN-CNTT, 14/06/2024, deadline none: ")
    assert err == "note: no deadline given (--deadline): its gaps cannot be overdue\n"
    # Importing again with a deadline completes the same warning; nothing new opens.
    code, out, err = run(db_url, "warnings", "import", str(pdf), "--deadline", "2024-07-01", "--date", "15/06/2024",
                         "--subject", "Cảnh báo tháng 6")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "warning 456/SKHCN-CNTT, 15/06/2024, deadline 01/07/2024: Cảnh báo tháng 6"
    assert out.endswith("gaps opened 0, resolved 0\n")
    listed = json.loads(run(db_url, "warnings", "list", "--format", "json")[1])
    assert [(w["number"], w["issued_on"], w["deadline"]) for w in listed] == [
        ("456/SKHCN-CNTT", "2024-06-15", "2024-07-01")]

    no_number = make_pdf(tmp_path / "no-number.pdf", font, "V/v lỗ hổng CVE-2024-3400 trong PAN-OS")
    no_cve = make_pdf(tmp_path / "no-cve.pdf", font, "Số: 12/ABC\nV/v tăng cường bảo đảm an toàn thông tin")
    template = tmp_path / "w.csv"
    template.write_text("Warning number,Product,Ecosystem,Fixed version or build\n1/X,openssl,deb,3.0.1\n")
    for args, code, message in [
        ([str(no_number)], 1, "Error: no letter number found in the text (\"Số: ...\"); give --number\n"),
        ([str(no_cve)], 1, "Error: letter 12/ABC names no CVE; describe its products in a template instead "
                           "(`patchgap warnings template`)\n"),
        ([str(pdf), "--deadline", "31/02/2024"], 2, "'31/02/2024' is not a date: write dd/mm/yyyy or yyyy-mm-dd"),
        ([str(pdf), "--skip-bad-rows"], 2, "--skip-bad-rows applies to templates (.csv, .xlsx), not to a PDF letter"),
        ([str(template), "--number", "1/X", "--date", "01/01/2024"], 2,
         "--number, --date only apply to a PDF letter; a template gives them in its columns"),
    ]:
        result = CliRunner().invoke(main, ["--db", db_url, "warnings", "import", *args])
        assert result.exit_code == code, result.output
        assert message in result.output if code == 2 else result.output == message
        assert "Traceback" not in result.output


def test_template_rows_complete_a_letter(db_url: str, sessions, tmp_path: Path, font: Path,  # type: ignore[no-untyped-def]
                                         fixtures_dir: Path) -> None:
    """The CVE no feed knows gets the admin's template row; the letter's own
    facts (deadline, CVE list) stay; importing the letter again keeps the row."""
    scenario = _own(fixtures_dir)
    add_hosts(sessions, windows_host(build="10.0.19045.4291"))
    pdf = letter_pdf(tmp_path, font, scenario)
    assert run(db_url, "warnings", "import", str(pdf), "--number", NUMBER, "--deadline", "28/06/2024")[0] == 0
    template = tmp_path / "9999.csv"
    template.write_text("Warning number,CVE,Product,Ecosystem,Fixed version or build,KB\n"
                        f"{NUMBER},{UNKNOWN},Windows 10 Version 22H2,windows-os,10.0.19045.9999,KB5099999\n")
    assert run(db_url, "warnings", "import", str(template))[1] == (
        "1 warning(s), 1 product row(s) from 1 row(s); gaps opened 1, resolved 0\n")
    for again in (False, True):
        if again:
            code, out, _ = run(db_url, "warnings", "import", str(pdf), "--number", NUMBER)
            assert out.splitlines()[1] == (
                "4 CVE(s): 0 resolved through the feeds, 1 named in template rows, 3 not "
                f"({', '.join(scenario.cves[:3])}: needs a template row); gaps opened 0, resolved 0")
        shown = json.loads(run(db_url, "warnings", "show", NUMBER, "--format", "json")[1])
        facts = shown["warning"]
        assert (facts["cves"], facts["templated"], facts["unresolved"]) == (
            scenario.cves, [UNKNOWN], scenario.cves[:3])
        assert (facts["deadline"], facts["affected_hosts"]) == ("2024-06-28", 1)
        assert [(i["cve"], i["item"], i["fixed"], i["kb"], i["affected_hosts"], i["status"])
                for i in shown["items"]] == [
            *((cve, "", "", "", 0, "unresolved") for cve in scenario.cves[:3]),
            (UNKNOWN, "", "", "", 0, "templated"),
            ("", "10.0.19045", "10.0.19045.9999", "KB5099999", 1, "template"),
        ]
    gaps = json.loads(run(db_url, "gaps", "--warning", NUMBER, "--format", "json")[1])
    assert [(g["item"], g["fixed"], g["deadline"]) for g in gaps] == [
        ("Windows 10.0.19045", "10.0.19045.9999", "2024-06-28")]


def test_feed_revision_keeps_the_warning_findings(db_url: str, sessions, tmp_path: Path, font: Path,  # type: ignore[no-untyped-def]
                                                  fixtures_dir: Path) -> None:
    """A lender's new revision updates the borrowed item in place: the host's
    finding under the warning stays open with its first-detected date."""
    add_hosts(sessions, debian_host(packages=[software("openssl", "3.0.11-1~deb12u1")]))
    record = fixtures_dir / "osv" / "DSA-9001-1.json"
    pdf = make_pdf(tmp_path / "1.pdf", font, "Số: 1/X\nV/v lỗ hổng CVE-2024-0001 trong OpenSSL")
    run(db_url, "feeds", "import", str(record))
    assert run(db_url, "warnings", "import", str(pdf), "--deadline", "01/07/2024")[1].endswith(
        "1 CVE(s): 1 resolved through the feeds, 0 not; gaps opened 1, resolved 0\n")
    before = json.loads(run(db_url, "gaps", "--warning", "1/X", "--format", "json")[1])
    revision = json.loads(record.read_text())
    revision["modified"] = "2024-03-01T00:00:00Z"
    revision["affected"][0]["ranges"][0]["events"][1]["fixed"] = "3.0.11-1~deb12u3"
    (tmp_path / "DSA-9001-1.json").write_text(json.dumps(revision))
    assert run(db_url, "feeds", "import", str(tmp_path / "DSA-9001-1.json"))[1] == (
        "1 document(s): advisories 1 updated; 0 skipped; 0 warning(s); gaps opened 0, resolved 0\n")
    after = json.loads(run(db_url, "gaps", "--warning", "1/X", "--format", "json")[1])
    assert [g["first_detected"] for g in after] == [g["first_detected"] for g in before]
    items = json.loads(run(db_url, "warnings", "show", "1/X", "--format", "json")[1])["items"]
    assert [(i["distro"], i["fixed"], i["affected_hosts"]) for i in items] == [
        ("debian:11", "1.1.1w-0+deb11u1", 0), ("debian:12", "3.0.11-1~deb12u3", 1)]
