"""The unit tree: add, move (no cycles), rename, and ``--unit`` meaning a
unit and everything under it, on real databases."""
from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from server.cli import main
from tests.reports import debian_host, store_report

NOW = dt.datetime.now(dt.timezone.utc)


def run(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.output


def province(db_url: str, sessions) -> None:  # type: ignore[no-untyped-def]
    """Tỉnh > Huyện A > (Xã B, Xã C); Sở Y under Tỉnh; one host in each leaf."""
    for name, parent in (("Tỉnh", None), ("Huyện A", "Tỉnh"), ("Xã B", "Huyện A"), ("Xã C", "Huyện A"),
                         ("Sở Y", "Tỉnh")):
        code, out = run(db_url, "unit", "add", name, *(["--parent", parent] if parent else []))
        assert code == 0, out
    with sessions.begin() as session:
        for n, unit in enumerate(("Xã B", "Xã C", "Sở Y", "Huyện A")):
            store_report(session, debian_host(uuid=f"u{n}", hostname=f"pc-{n}"), unit, NOW)


def test_the_tree_lists_children_under_their_parent_with_subtree_counts(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    province(db_url, sessions)
    code, out = run(db_url, "unit", "list", "--format", "json")
    rows = [(r["unit"], r["parent"], r["hosts"], r["hosts_in_tree"]) for r in json.loads(out)]
    assert rows == [("Tỉnh", "", 0, 4), ("Huyện A", "Tỉnh", 1, 3), ("Xã B", "Huyện A", 1, 1),
                    ("Xã C", "Huyện A", 1, 1), ("Sở Y", "Tỉnh", 1, 1)]
    code, out = run(db_url, "unit", "list")
    assert "· · Xã B" in out


def test_unit_means_the_unit_and_everything_under_it(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    province(db_url, sessions)
    code, out = run(db_url, "hosts", "--unit", "Huyện A", "--format", "json")
    assert sorted(r["host"] for r in json.loads(out)) == ["pc-0", "pc-1", "pc-3"]
    code, out = run(db_url, "hosts", "--unit", "Xã B", "--unit", "Sở Y", "--format", "json")
    assert sorted(r["host"] for r in json.loads(out)) == ["pc-0", "pc-2"]
    code, out = run(db_url, "gaps", "--unit", "Nowhere")
    assert code == 1 and "no unit named 'Nowhere'" in out


def test_move_refuses_a_cycle_and_rename_keeps_the_hosts(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    province(db_url, sessions)
    code, out = run(db_url, "unit", "move", "Huyện A", "--parent", "Xã B")
    assert code == 1 and "inside it" in out
    assert run(db_url, "unit", "move", "Xã C", "--root")[0] == 0
    code, out = run(db_url, "hosts", "--unit", "Huyện A", "--format", "json")
    assert sorted(r["host"] for r in json.loads(out)) == ["pc-0", "pc-3"]
    assert run(db_url, "unit", "rename", "Xã B", "Phường B", "--code", "27001")[0] == 0
    code, out = run(db_url, "hosts", "--unit", "Phường B", "--format", "json")
    assert [r["host"] for r in json.loads(out)] == ["pc-0"]
    code, out = run(db_url, "unit", "add", "Phường B")
    assert code == 1 and "exists already" in out
