"""Which machines are behind a listed address, at the time it was listed:
a NAT address shared by a commune's PCs, a public interface address, a
unit's egress range with its validity, time windows that do and do not
overlap; and listed hosts first in gaps and in the weekly report."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from collector import wire
from server.cli import main
from server.db.models import Host
from server.inventory import units
from server.inventory.service import apply_report
from tests.reports import debian_host, software

T = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.timezone.utc)


def run(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.output


def report(sessions, unit: str, name: str, at: dt.datetime, observed: str = "",  # type: ignore[no-untyped-def]
           interface: str = "192.168.1.10") -> None:
    host_report = debian_host(uuid=f"uuid-{name}", hostname=name, collected_at=at,
                              packages=[software("openssh-client", "1:9.2p1-2+deb12u2", source="openssh")],
                              addresses=[wire.Address(interface="eth0", address=interface)])
    with sessions.begin() as session:
        host = session.scalar(select(Host).where(Host.uuid == f"uuid-{name}"))
        if host is None:
            unit_id = units.UnitTree.load(session).find(unit)
            host = Host(uuid=f"uuid-{name}", hostname=name, unit_id=unit_id, enrolled_at=at - dt.timedelta(days=60))
            session.add(host)
            session.flush()
        apply_report(session, host, host_report, at, observed)


@pytest.fixture
def commune(db_url: str, sessions) -> str:  # type: ignore[no-untyped-def]
    """Xã B: three PCs behind one NAT address; Sở Y: a server with a public
    interface address; Xã C: a PC behind an egress range valid in November;
    pc-old: seen behind the NAT address in January only."""
    for name in ("Xã B", "Sở Y", "Xã C"):
        assert run(db_url, "unit", "add", name)[0] == 0
    for name in ("pc-1", "pc-2", "pc-3"):
        report(sessions, "Xã B", name, T, observed="203.0.113.7")
    report(sessions, "Sở Y", "srv-1", T, interface="198.51.100.20")
    report(sessions, "Xã C", "pc-c", T, interface="10.1.1.5")
    report(sessions, "Xã B", "pc-old", dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc), observed="203.0.113.7")
    code, out = run(db_url, "unit", "egress", "add", "Xã C", "192.0.2.0/28", "--from", "2026-11-01",
                    "--until", "2026-11-30", "--note", "VNPT FTTH")
    assert code == 0, out
    return db_url


def write_list(tmp_path: Path) -> Path:
    path = tmp_path / "botnet-11-2026.txt"
    path.write_text("# Danh sách IP botnet tháng 11/2026\n203.0.113.7\n198.51.100.0/24  # a whole range\n"
                    "192.0.2.5\n2001:db8::/32\n", encoding="utf-8")
    return path


def test_every_host_behind_a_listed_address_is_found_and_says_how(commune: str, tmp_path: Path) -> None:
    code, out = run(commune, "botnet", "import", str(write_list(tmp_path)), "--listed-on", "2026-11-20")
    assert code == 0, out
    assert "5 host(s)" in out
    code, out = run(commune, "botnet", "hits", "--format", "json")
    hits = {(h["host"], h["address_kind"], h["address"]) for h in json.loads(out)}
    assert hits == {("pc-1", "observed", "203.0.113.7"), ("pc-2", "observed", "203.0.113.7"),
                    ("pc-3", "observed", "203.0.113.7"), ("srv-1", "interface", "198.51.100.20"),
                    ("pc-c", "egress", "192.0.2.0/28")}
    code, out = run(commune, "botnet", "hits", "--unit", "Xã C", "--format", "json")
    assert [h["host"] for h in json.loads(out)] == ["pc-c"]


def test_entries_outside_the_time_they_were_held_do_not_match(commune: str, tmp_path: Path) -> None:
    # A list dated in January: only pc-old held the NAT address then; the
    # egress range was not Xã C's yet; the window (30 days) misses November.
    assert run(commune, "botnet", "import", str(write_list(tmp_path)), "--listed-on", "2026-01-15")[0] == 0
    code, out = run(commune, "botnet", "hits", "--format", "json")
    assert {h["host"] for h in json.loads(out)} == {"pc-old"}


def test_a_time_per_entry_narrows_the_match(commune: str, tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("STT;Địa chỉ IP;Thời gian;Tên mạng botnet;Cổng\n1;203.0.113.7;18/11/2026 15:30;Mirai;23\n"
                    "2;192.0.2.5;05/12/2026 08:00;Emotet;443\n", encoding="utf-8")
    code, out = run(commune, "botnet", "import", str(path), "--name", "T11", "--listed-on", "2026-12-06")
    assert code == 0, out
    code, out = run(commune, "botnet", "hits", "--format", "json")
    rows = json.loads(out)
    # 15:30 Vietnam time is 08:30 UTC on the day the PCs reported; the egress range ended on 30/11.
    assert {(h["host"], h["family"]) for h in rows} == {("pc-1", "Mirai"), ("pc-2", "Mirai"), ("pc-3", "Mirai")}


def test_importing_twice_changes_nothing_and_remove_forgets(commune: str, tmp_path: Path) -> None:
    path = write_list(tmp_path)
    assert run(commune, "botnet", "import", str(path), "--listed-on", "2026-11-20")[0] == 0
    code, out = run(commune, "botnet", "import", str(path), "--listed-on", "2026-11-20")
    assert code == 0 and "unchanged" in out
    code, out = run(commune, "botnet", "list", "--format", "json")
    assert [(r["list"], r["rows"], r["matched_hosts"]) for r in json.loads(out)] == [("botnet-11-2026", 4, 5)]
    code, out = run(commune, "botnet", "import", str(path), "--name", "again", "--listed-on", "2026-11-20")
    assert code == 1 and "same entries" in out
    assert run(commune, "botnet", "remove", "botnet-11-2026")[0] == 0
    assert json.loads(run(commune, "botnet", "hits", "--format", "json")[1]) == []


def test_a_file_without_an_address_column_is_refused_and_stores_nothing(commune: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("STT,Tên máy,Ghi chú\n1,pc-1,x\n", encoding="utf-8")
    code, out = run(commune, "botnet", "import", str(path))
    assert code == 1 and "nothing imported" in out and "Tên máy" in out
    assert json.loads(run(commune, "botnet", "list", "--format", "json")[1]) == []


def test_listed_hosts_come_first_in_gaps_and_in_the_weekly_report(commune: str, tmp_path: Path,
                                                                  fixtures_dir: Path) -> None:
    assert run(commune, "warnings", "import", str(fixtures_dir / "warnings" / "two_letters_en.csv"))[0] == 0
    assert run(commune, "botnet", "import", str(write_list(tmp_path)), "--listed-on", "2026-11-20")[0] == 0
    code, out = run(commune, "gaps", "--format", "json")
    rows = json.loads(out)
    listed = [r["botnet_listed"] for r in rows]
    assert listed == sorted(listed, reverse=True) and listed.count(True) == 5 * 1 and not listed[-1]
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    code, out = run(commune, "report", "weekly", "--week-ending", today, "--format", "json")
    data = json.loads(out)
    actions = [(a["host"], a["botnet_listed"]) for a in data["actions"]]
    assert [flag for _, flag in actions] == [True] * 5 + [False]
    assert (data["summary"]["botnet_listed"], data["summary"]["botnet_handled"]) == (5, 0)
    code, out = run(commune, "report", "weekly", "--week-ending", today)
    assert "⚑ pc-1" in out


def test_explain_address_names_every_holder_then(commune: str) -> None:
    code, out = run(commune, "explain-address", "203.0.113.7", "--at", "2026-11-18", "--format", "json")
    assert sorted(h["host"] for h in json.loads(out)) == ["pc-1", "pc-2", "pc-3"]
    code, out = run(commune, "explain-address", "192.0.2.9", "--format", "json")
    assert [(h["host"], h["address_kind"]) for h in json.loads(out)] == [("pc-c", "egress")]
    code, out = run(commune, "explain-address", "not-an-ip")
    assert code == 1 and "not an address" in out
