"""The benchmark runs on a tiny fleet, and the engine's findings are exactly
the naive per-host computation's, on SQLite and PostgreSQL. No timings are
asserted: a benchmark is not a test."""
from __future__ import annotations

from pathlib import Path

from server.db.models import Finding
from sqlalchemy import func, select

from bench import against, matching, measure
from bench.naive import engine_findings
from bench.populate import Spec, populate

# Many recent fixes so that a 20-host fleet has findings of every kind.
TINY = Spec(hosts=20, affected=3_000, packages=300, per_host=200, recent=0.2, future=0.05)


def test_engine_findings_equal_the_naive_per_host_loop(db_url: str, sessions) -> None:  # type: ignore[no-untyped-def]
    counts = populate(db_url, TINY)
    assert (counts.hosts, counts.host_software > 2_000, counts.affected > 2_000) == (20, True, True)
    full = measure.full_rematch(sessions)
    hosts = measure.sample_hosts(sessions, 20)
    assert len(hosts) == 20
    _, naive = measure.naive_per_host(sessions, hosts)
    with sessions() as session:
        engine = engine_findings(session)
        by_kind = {key[2] == 0 for key in engine}
    assert engine == naive
    assert full.counts["opened"] == len(engine) and by_kind == {True, False}  # OS and package findings
    assert measure.full_rematch(sessions).counts["opened"] == 0
    unchanged = measure.full_rematch(sessions, full=False)
    assert (unchanged.note, unchanged.counts["opened"]) == ("none", 0)
    linux = [h for h in hosts if measure.is_linux(sessions, h)][:2]
    assert measure.one_host(sessions, linux).seconds > 0
    assert measure.one_feed(sessions, hosts[:3], counts.hosts).counts["opened"] > 0
    with sessions() as session:  # the incremental scenarios rolled back
        assert session.scalar(select(func.count()).select_from(Finding)) == len(engine)


def test_the_command_prints_its_table(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    matching.main(["--hosts", "20", "--affected", "2000", "--packages", "300", "--per-host", "200",
                   "--naive-sample", "20", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "full re-match (rematch full=True)" in out
    assert "naive and patchgap findings on the sample: identical" in out


def test_against_runs_a_commit_and_the_working_tree_side_by_side(capsys) -> None:  # type: ignore[no-untyped-def]
    against.main(["HEAD", "--", "--hosts", "20", "--affected", "2000", "--packages", "300", "--per-host", "200",
                  "--naive-sample", "4"])
    out = capsys.readouterr().out
    before, _, after = out.partition("== working tree ==")
    assert "naive and patchgap findings on the sample: identical" in before
    assert "naive and patchgap findings on the sample: identical" in after
    table = out.rsplit("\n\n", 1)[-1].splitlines()
    assert table[0].split()[-2:] == ["tree", "after/before"]
    full = next(line for line in table if line.startswith("full re-match "))
    assert full.rstrip().endswith("x")  # timed on both sides, so a ratio
