"""bench.collector_footprint runs on a small machine and measures what it
says: full reports to /api/v1/report, heartbeats and deltas to
/api/v1/report/delta, every one accepted. No timings are asserted."""
from __future__ import annotations

from bench import collector_footprint


def test_the_command_prints_full_heartbeat_and_delta_rows(capsys) -> None:  # type: ignore[no-untyped-def]
    assert collector_footprint.main(["--packages", "40", "--repeat", "1", "--changed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {(line[:34].strip(), line[35:45].strip()): line for line in lines[2:-1]}
    for source in ("osquery stand-in, debian", "osquery stand-in, rhel", "native (dpkg status)"):
        assert rows[(source, "first")].endswith("report 200")
        assert rows[(source, "full")].endswith("report 200")
        assert rows[(source, "heartbeat")].endswith("delta 200")
        assert rows[(source, "delta")].endswith("delta 200")
        sent = {run: int(rows[(source, run)][70:80].replace(",", "")) for run in ("full", "heartbeat", "delta")}
        assert sent["heartbeat"] < sent["delta"] < sent["full"]
    assert ("python -c pass", "floor") in rows
    assert lines[-1].startswith("software stored per host: ")
