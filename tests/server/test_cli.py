"""The admin CLI against real databases: exact outputs, clear errors, exit
codes, never a traceback."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.db.models import Host
from server.inventory.service import apply_report
from server.reports.i18n import phrase
from tests.reports import debian_host, software, store_report, windows_host

NOW = dt.datetime.now(dt.timezone.utc)


def run(db_url: str, *args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", lang, *args], catch_exceptions=False)
    return result.exit_code, result.output


def add_host(sessions, report, unit: str = "Phòng Tài chính") -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        store_report(session, report, unit, NOW)


@pytest.fixture
def fleet(db_url: str, sessions, fixtures_dir: Path) -> str:  # type: ignore[no-untyped-def]
    """Two units, a Debian PC missing the openssh fix, a patched Windows PC."""
    add_host(sessions, debian_host())
    add_host(sessions, windows_host(), unit="Bộ phận Một cửa")
    code, out = run(db_url, "warnings", "import", str(fixtures_dir / "warnings" / "two_letters_en.csv"))
    assert code == 0, out
    assert out == "2 warning(s), 3 product row(s) from 3 row(s); gaps opened 2, resolved 0\n"
    return db_url


def test_gaps_list_the_missing_fix(fleet: str) -> None:
    code, out = run(fleet, "gaps", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["host"], r["advisory"], r["item"], r["installed"], r["fixed"], r["overdue"]) for r in rows] == [
        ("ke-toan-01", "DSA-5724-1", "openssh-client", "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3", True),
        ("ke-toan-01", "DSA-5724-1", "openssh-server", "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3", True),
    ]
    assert run(fleet, "gaps", "--unit", "Bộ phận Một cửa", "--format", "csv")[1].count("\n") == 1  # header only
    assert json.loads(run(fleet, "gaps", "--warning", "2074/CATTT-NCSC", "--format", "json")[1]) == []
    assert len(json.loads(run(fleet, "gaps", "--overdue", "--format", "json")[1])) == 2
    # Before the letter was imported nothing was open.
    assert json.loads(run(fleet, "gaps", "--as-of", "2020-01-01", "--format", "json")[1]) == []


def test_weekly_report_table(fleet: str) -> None:
    today = NOW.date().isoformat()
    code, out = run(fleet, "report", "weekly", "--week-ending", today, "--format", "json")
    assert code == 0
    data = json.loads(out)
    summary = data["summary"]
    assert (summary["hosts"], summary["reporting"], summary["with_gaps"], summary["open_gaps"],
            summary["overdue_gaps"], summary["overdue_hosts"]) == (2, 2, 1, 2, 2, 1)
    assert [(u["unit"], u["hosts"], u["reporting"], u["open_gaps"], u["overdue_gaps"]) for u in data["per_unit"]] == [
        ("Bộ phận Một cửa", 1, 1, 0, 0), ("Phòng Tài chính", 1, 1, 2, 2)]
    code, out = run(fleet, "report", "weekly", "--week-ending", today, lang="vi")
    lines = out.splitlines()
    assert lines[0] == "Báo cáo tình hình khắc phục lỗ hổng bảo mật"
    assert "1. Tổng hợp" in lines and "3. Theo đơn vị" in lines
    (ke_toan,) = [line for line in lines if line.startswith("ke-toan-01")]
    assert "DSA-5724-1" in ke_toan


def test_weekly_report_files_hold_the_gap_list_and_are_written_whole(fleet: str, tmp_path: Path) -> None:
    today = NOW.date().isoformat()
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "tuan.json"
    code, out = run(fleet, "report", "weekly", "--week-ending", today, "-o", str(target))
    assert code == 0, out
    gaps = json.loads(target.read_text(encoding="utf-8"))["gaps"]
    assert [(g["host"], g["advisory"]) for g in gaps] == [("ke-toan-01", "DSA-5724-1")]
    # A report that fails leaves the file it would have replaced as it was, and no part of itself.
    code, out = run(fleet, "report", "weekly", "--week-ending", today, "--unit", "Không có", "-o", str(target))
    assert code != 0 and "Không có" in out
    assert json.loads(target.read_text(encoding="utf-8"))["gaps"] == gaps
    assert sorted(p.name for p in target.parent.iterdir()) == ["tuan.json"]


def test_hosts_host_and_software(fleet: str) -> None:
    rows = json.loads(run(fleet, "hosts", "--format", "json")[1])
    assert [(r["host"], r["unit"], r["software"], r["open_gaps"]) for r in rows] == [
        ("MOTCUA-PC07", "Bộ phận Một cửa", 2, 0),
        ("ke-toan-01", "Phòng Tài chính", 5, 2),
    ]
    code, out = run(fleet, "host", "MOTCUA-PC07")
    assert code == 0
    assert "10.0.19045.4291" in out and "KB5036892" in out and "192.168.5.17" in out
    detail = json.loads(run(fleet, "host", "ke-toan-01", "--format", "json")[1])
    assert detail["host"]["distro"] == "debian:12" and len(detail["gaps"]) == 2
    sw = json.loads(run(fleet, "software", "--name", "openssh", "--format", "json")[1])
    assert [(r["name"], r["source_package"], r["hosts"]) for r in sw] == [
        ("openssh-client", "openssh", 1), ("openssh-server", "openssh", 1)
    ]


def test_upgrading_resolves_and_history_stays(fleet: str, sessions) -> None:  # type: ignore[no-untyped-def]
    from server import queries

    detected = dt.datetime.fromisoformat(json.loads(run(fleet, "gaps", "--format", "json")[1])[0]["first_detected"])
    fixed = debian_host(packages=[software("openssh-client", "1:9.2p1-2+deb12u3", source="openssh")])
    upgraded_at = dt.datetime.now(dt.timezone.utc)
    with sessions.begin() as session:
        host = session.scalar(select(Host).where(Host.hostname == "ke-toan-01"))
        apply_report(session, host, fixed, upgraded_at)
    assert json.loads(run(fleet, "gaps", "--format", "json")[1]) == []
    # The week before the upgrade still reads as it stood.
    with sessions() as session:
        before = list(queries.gaps(session, detected + (upgraded_at - detected) / 2))
    assert [(r["item"], r["installed"]) for r in before] == [
        ("openssh-client", "1:9.2p1-2+deb12u2"), ("openssh-server", "1:9.2p1-2+deb12u2")
    ]


def test_rematch_redoes_only_what_changed(fleet: str) -> None:
    """No re-match recorded yet: everything is re-matched and, the stored
    matches being right, nothing opens or resolves; then nothing to do, until
    --full asks again. Gaps are the same throughout."""
    gaps = run(fleet, "gaps", "--format", "json")[1]
    code, out = run(fleet, "rematch")
    assert code == 0
    assert out.startswith("Matching code changed or was never recorded (or --full): re-matched every host; "
                          "0 gaps opened, 0 resolved (")
    assert run(fleet, "rematch") == (0, phrase("rematch_none", "en") + "\n")
    assert run(fleet, "rematch", lang="vi") == (0, phrase("rematch_none", "vi") + "\n")
    code, out = run(fleet, "rematch", "--full", lang="vi")
    assert code == 0 and out.startswith("Mã đối chiếu đã thay đổi hoặc chưa được ghi nhận (hoặc --full)")
    assert run(fleet, "gaps", "--format", "json")[1] == gaps


def test_warnings_list_and_show(fleet: str) -> None:
    rows = json.loads(run(fleet, "warnings", "list", "--format", "json")[1])
    assert [(r["number"], r["affected_hosts"]) for r in rows] == [("DSA-5724-1", 1), ("2074/CATTT-NCSC", 0)]
    code, out = run(fleet, "warnings", "show", "2074/CATTT-NCSC", "--format", "json")
    shown = json.loads(out)
    assert shown["warning"]["templated"] == ["CVE-2023-36033", "CVE-2023-36036", "CVE-2023-36025"]
    assert [(i["item"], i["ecosystem"], i["fixed"], i["kb"], i["affected_hosts"]) for i in shown["items"]
            if i["status"] == "template"] == [("10.0.19045", "windows-os", "10.0.19045.3693", "KB5032189", 0),
                                              ("10.0.22621", "windows-os", "", "KB5032190", 0)]


def test_explain_says_why(fleet: str) -> None:
    rows = json.loads(run(fleet, "explain", "ke-toan-01", "DSA-5724-1", "--format", "json")[1])
    assert [(r["item"], r["verdict"], r["reason"]) for r in rows] == [
        ("deb openssh (debian:12): openssh-client", "affected", "1:9.2p1-2+deb12u2 < 1:9.2p1-2+deb12u3 (deb)"),
        ("deb openssh (debian:12): openssh-server", "affected", "1:9.2p1-2+deb12u2 < 1:9.2p1-2+deb12u3 (deb)"),
    ]
    rows = json.loads(run(fleet, "explain", "MOTCUA-PC07", "2074/CATTT-NCSC", "--format", "json")[1])
    assert [(r["verdict"], r["reason"]) for r in rows] == [
        ("not affected", "10.0.19045.4291 >= 10.0.19045.3693 (windows)"),
        ("not affected", "host build 10.0.19045.4291 is not in family 10.0.22621"),
    ]


def test_explain_speaks_the_admins_language(fleet: str) -> None:
    """The table is for people: verdicts and reasons come from the catalogue in
    the admin's language; JSON stays English for scripts."""
    code, out = run(fleet, "explain", "MOTCUA-PC07", "2074/CATTT-NCSC", lang="vi")
    assert code == 0
    assert "Kết luận" in out and "không bị ảnh hưởng" in out
    assert "10.0.19045.4291 >= 10.0.19045.3693 (windows)" in out
    assert "bản dựng 10.0.19045.4291 của máy không thuộc họ 10.0.22621" in out
    assert "not affected" not in out and "is not in family" not in out
    code, out = run(fleet, "explain", "ke-toan-01", "DSA-5724-1", "--format", "json", lang="vi")
    assert {r["verdict"] for r in json.loads(out)} == {"affected"}


def test_bad_rows_import_nothing_unless_asked(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "Warning number,Product,Ecosystem,Fixed version or build\n1/X,openssl,deb,3.0.1\n2/X,openssl,debian,1\n",
        encoding="utf-8",
    )
    code, out = run(db_url, "warnings", "import", str(path))
    assert code == 1
    assert "w.csv: row 3: Ecosystem: unknown 'debian'" in out
    assert "1 row error(s); nothing imported" in out
    assert json.loads(run(db_url, "warnings", "list", "--format", "json")[1]) == []
    code, out = run(db_url, "warnings", "import", str(path), "--skip-bad-rows")
    assert code == 0 and out.endswith("1 warning(s), 1 product row(s) from 2 row(s); gaps opened 0, resolved 0\n")


def test_enroll_secrets(db_url: str) -> None:
    code, out = run(db_url, "enroll-secret", "create", "--unit", "UBND xã Cẩm Tân")
    secret = out.splitlines()[0]
    assert code == 0 and secret.startswith("pge_")
    rows = json.loads(run(db_url, "enroll-secret", "list", "--format", "json")[1])
    assert [(r["prefix"], r["unit"], r["revoked"]) for r in rows] == [(secret[:10], "UBND xã Cẩm Tân", None)]
    assert run(db_url, "enroll-secret", "revoke", secret[:10])[0] == 0
    assert json.loads(run(db_url, "enroll-secret", "list", "--format", "json")[1])[0]["revoked"] is not None
    code, out = run(db_url, "enroll-secret", "revoke", "pge_nope00")
    assert code == 1 and "no enroll secret starts with 'pge_nope00'" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["host", "no-such-pc"], 1, "Error: no host named 'no-such-pc'"),
        (["explain", "no-such-pc", "X"], 1, "Error: no host named 'no-such-pc'"),
        (["gaps", "--warning", "9999/NOPE"], 1, "Error: no warning or advisory '9999/NOPE'"),
        (["warnings", "show", "9999/NOPE"], 1, "Error: no warning '9999/NOPE'"),
        (["warnings", "import", "/nonexistent/file.csv"], 2, "does not exist"),
        (["gaps", "--format", "xml"], 2, "'xml' is not one of"),
    ],
)
def test_clear_errors(db_url: str, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "Error: not a database URL: 'not a url'"),
        ("mysql://x/y", "Error: unsupported database 'mysql'"),
        ("postgresql://nobody:pw@127.0.0.1:1/none", "Error: cannot open the database postgresql://nobody:***@127.0.0.1:1/none: connection failed"),
    ],
)
def test_bad_database_urls(url: str, message: str) -> None:
    result = CliRunner().invoke(main, ["--db", url, "hosts"])
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output


def test_unreadable_template(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"\x00" * 100)
    code, out = run(db_url, "warnings", "import", str(path))
    assert code == 1 and "Error:" in out and "xlsx" in out


def test_template_command(tmp_path: Path) -> None:
    path = tmp_path / "canh-bao.xlsx"
    result = CliRunner().invoke(main, ["warnings", "template", str(path)])
    assert result.exit_code == 0 and path.exists()
    again = CliRunner().invoke(main, ["warnings", "template", str(path)])
    assert again.exit_code == 1 and "exists" in again.output


def test_every_command_is_found_where_the_lazy_table_says() -> None:
    # server.cli imports a command's module only when it runs; the table must
    # name every command of every module, and nothing else.
    import pkgutil
    from importlib import import_module

    import server.cli as cli

    defined = {}
    for found in pkgutil.iter_modules(cli.__path__):
        module = import_module(f"server.cli.{found.name}")
        for command in getattr(module, "COMMANDS", ()):
            defined[command.name] = found.name
    assert defined == cli.COMMAND_MODULES


def test_a_report_does_not_load_the_web_server(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    code = ("import sys; from server.cli import main\n"
            "try:\n    main(['--db', sys.argv[1], 'report', 'weekly', '-o', sys.argv[2]])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'server.api.app', 'server.demo') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp_path / 'db.sqlite3'}", str(tmp_path / "r.txt")],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").strip()
