"""The demo province on real databases: its weekly report tells the story the
data sets out (two warnings handled in part, one overdue, one due soon, a
silent host, an end-of-life host, unit subtotals that add up); a past week's
report stays as it was when later reports arrive; and ``patchgap demo`` end
to end."""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from server.cli.demo import DATABASE, _fresh
from server.db.models import Host, Unit
from server.demo import hosts as demo_hosts
from server.demo.province import later_report
from server.inventory.service import apply_report
from server.reports import period as periods
from server.reports.model import UnitRow, WeeklyReport
from tests.reports_fleet import TODAY, WEEK, build_fleet, weekly

WINDOWS, CHROME, OPENSSH = "1875/SKHCN-CNTT", "1942/SKHCN-CNTT", "1998/SKHCN-CNTT"


def own_hosts(sessions) -> Counter[str]:  # type: ignore[no-untyped-def]
    """Hosts directly in each unit (not under it)."""
    with sessions.begin() as session:
        rows = session.execute(select(Unit.name).join(Host, Host.unit_id == Unit.id)).scalars()
        return Counter(rows)


def children(rows: list[UnitRow], index: int) -> list[UnitRow]:
    """The rows directly under ``rows[index]`` in the tree."""
    found = []
    for row in rows[index + 1:]:
        if row.depth <= rows[index].depth:
            break
        if row.depth == rows[index].depth + 1:
            found.append(row)
    return found


def check_story(report: WeeklyReport, province, own: Counter[str]) -> None:  # type: ignore[no-untyped-def]
    assert report.summary.hosts >= 35 and report.summary.hosts == len(province.hosts)
    sections = {w.number: w for w in report.warnings}
    assert set(sections) == {WINDOWS, CHROME, OPENSSH}
    assert any(w.total.handled < w.total.affected for w in report.warnings)
    assert all(w.total.affected > 0 and w.total.handled > 0 for w in report.warnings)
    assert sections[WINDOWS].overdue and sections[WINDOWS].total.overdue > 0
    assert sections[CHROME].due_soon and not sections[CHROME].overdue
    assert report.summary.overdue_hosts > 0

    assert [r.host for r in report.silent] == province.silent == ["DT-DIACHINH-03"]
    assert report.silent[0].days_silent >= 14
    assert [(r.host, r.release) for r in report.end_of_life] == [("DK-VANPHONG-02", "Windows 10 22H2")]
    assert province.end_of_support == ["DK-VANPHONG-02"]
    assert report.trend[-1].open_gaps > 0 and report.trend[-3].open_gaps > 0 and report.trend[0].open_gaps == 0

    assert report.actions and all(ipaddress.ip_address(r.address).is_private for r in report.actions)
    rows = report.per_unit
    assert rows[0].unit == province.root and rows[0].hosts == report.summary.hosts
    assert any(r.subtotal and own[r.unit] for r in rows)  # a commune with its own server and its departments
    for index, row in enumerate(rows):
        under = children(rows, index)
        assert row.subtotal or not under
        assert row.hosts == sum(r.hosts for r in under) + own[row.unit], row.unit


def test_the_demo_province_report_and_its_history(db_url: str, sessions) -> None:  # type: ignore[no-untyped-def]
    province = build_fleet(sessions)
    assert province.first_day == TODAY - dt.timedelta(days=20)
    report = weekly(sessions)
    check_story(report, province, own_hosts(sessions))
    assert [s.number for s in report.warnings] == [WINDOWS, CHROME, OPENSSH]  # by deadline

    # Hosts still unpatched report again after the week, with every fix:
    # neither that week nor the one before reads differently afterwards.
    last_week = periods.previous(WEEK)
    before = weekly(sessions, last_week)
    assert before.summary.open_gaps > 0
    later = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(3, 0), dt.timezone.utc)
    report_later(sessions, "dongkhe-nas", province.first_day, later)
    assert weekly(sessions, last_week) == before
    assert weekly(sessions) == report

    report_later(sessions, "DK-MOTCUA-02", province.first_day, later + dt.timedelta(hours=1))
    assert weekly(sessions, periods.ending(later.date())).summary.open_gaps < report.summary.open_gaps
    # The build a Windows PC had that week comes from the findings open then.
    assert weekly(sessions, last_week) == before
    assert weekly(sessions) == report


def report_later(sessions, hostname: str, first_day: dt.date, at: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    profile = demo_hosts.load().profile(hostname)
    with sessions.begin() as session:
        host = session.scalar(select(Host).where(Host.uuid == profile.uuid))
        assert apply_report(session, host, later_report(hostname, first_day, at), at).findings_open == 0


def test_a_second_demo_says_it_replaces_the_first(tmp_path: Path) -> None:
    assert _fresh(tmp_path / "demo") is False
    (tmp_path / "demo" / DATABASE).write_bytes(b"")
    (tmp_path / "demo" / "report.html").write_bytes(b"")
    assert _fresh(tmp_path / "demo") is True
    assert list((tmp_path / "demo").iterdir()) == []


def _patchgap() -> list[str]:
    script = Path(sys.executable).with_name("patchgap")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "server"]


def test_patchgap_demo_end_to_end(tmp_path: Path) -> None:
    """The province, this machine collected live (native source), the report
    printed and written; every Next line works as printed."""
    demo_dir = tmp_path / "demo folder"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_")}
    done = subprocess.run([*_patchgap(), "--lang", "en", "demo", "--dir", str(demo_dir), "--source", "native"], env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "1. Summary" in out and "2. National warnings: machines handled / total" in out
    assert "3. By unit" not in out and "4. Hosts needing action" not in out
    assert "Máy chạy demo" in out and "report sent to http://127.0.0.1:" in out
    for name in ("report.html", "report.xlsx"):
        assert (demo_dir / name).stat().st_size > 1000
        assert f"wrote {demo_dir / name}" in out
    assert (demo_dir / "report.xlsx").read_bytes()[:2] == b"PK"

    lines = out.split("\nNext:\n", 1)[1].strip().splitlines()
    url = f"sqlite:///{demo_dir / DATABASE}"
    assert len(lines) >= 5 and all(f"--db '{url}'" in line for line in lines)
    for line in lines:
        if " serve " in line:
            continue  # it would serve until stopped
        ran = subprocess.run(line, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, (line, ran.stdout, ran.stderr)
    assert (demo_dir / "bao-cao.html").is_file() and (tmp_path / "canh-bao.xlsx").is_file()
