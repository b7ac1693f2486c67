"""bench.matching at a git commit and at the working tree, back to back, side by side.

    .venv/bin/python -m bench.against <commit> -- --hosts 500 --db sqlite

The commit is checked out into a temporary git worktree and its own
bench.matching runs there (its own server/, migrations and fleet generator),
then the working tree's, with the same arguments, on the same machine within
minutes: the after/before ratio is the figure to read, the absolute times
move with the machine's load. Rows whose scenario exists on one side only
(the benchmark grew since) are printed with "-" on the other.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A table row of bench.matching: the scenario, then patchgap's time first.
_ROW = re.compile(r"^(?P<label>\S.*?)\s{2,}(?P<value>[\d,.]+) (?P<unit>s|ms)\b")
_HEADER = "scenario"


def run_matching(checkout: Path, args: list[str]) -> str:
    """bench.matching's output when run from ``checkout`` (its code, not the installed one)."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    env.pop("PYTHONSAFEPATH", None)
    done = subprocess.run([sys.executable, "-m", "bench.matching", *args], cwd=checkout, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench.matching failed in {checkout}:\n{done.stderr[-4000:]}")
    return done.stdout


def figures(output: str) -> dict[str, float]:
    """scenario -> patchgap's seconds, read from bench.matching's table. The
    scenario is named without its parenthesised detail, which changed wording
    over time ("full re-match (match_all + refresh all)")."""
    found: dict[str, float] = {}
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(_HEADER)), len(lines))
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        row = _ROW.match(line)
        if row:
            seconds = float(row["value"].replace(",", "")) / (1000 if row["unit"] == "ms" else 1)
            found[re.sub(r"\s*\([^)]*\)", "", row["label"]).strip()] = seconds
    return found


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:,.2f} s" if seconds >= 1 else f"{seconds * 1000:,.1f} ms"


def side_by_side(commit: str, before: dict[str, float], after: dict[str, float]) -> str:
    labels = list(dict.fromkeys([*after, *before]))
    lines = [f"{'scenario':<44}{commit[:12]:>12}{'working tree':>14}{'after/before':>14}"]
    for label in labels:
        old, new = before.get(label), after.get(label)
        ratio = f"{new / old:,.2f}x" if old and new else "-"
        lines.append(f"{label:<44}{_time(old):>12}{_time(new):>14}{ratio:>14}")
    return "\n".join(lines)


def _checkout(commit: str, where: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(where), commit], check=True)


def _remove(where: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)], check=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.against", description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the git commit to compare the working tree with")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="after --: bench.matching's arguments")
    options = parser.parse_args(argv)
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{options.commit}^{{commit}}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="patchgap-against-") as tmp:
        where = Path(tmp) / "checkout"
        _checkout(commit, where)
        try:
            before = run_matching(where, args)
        finally:
            _remove(where)
    after = run_matching(ROOT, args)
    print(f"== {commit[:12]} ==\n{before}\n== working tree ==\n{after}\n")
    print(side_by_side(commit, figures(before), figures(after)))


if __name__ == "__main__":
    main()
