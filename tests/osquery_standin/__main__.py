"""Run the stand-in as a process: ``python -m tests.osquery_standin``.

Accepts osqueryd's own ``--extensions_socket=PATH`` (other osqueryd flags
are ignored), so a two-line wrapper script can play ``osqueryd`` for the
collector's spawn path. Stops cleanly on SIGTERM or SIGINT.
"""
from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from tests.osquery_standin.scenarios import SCENARIOS
from tests.osquery_standin.server import OsqueryStandIn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.osquery_standin", description=__doc__)
    parser.add_argument("--scenario", choices=SCENARIOS, default="debian")
    parser.add_argument("--socket", "--extensions_socket", dest="socket", required=True)
    parser.add_argument("--samples-dir", type=Path, help="add the recorded rows from this samples folder")
    parser.add_argument("--triage", action="store_true", help="add the triage tables' rows (windows, debian)")
    args, _osqueryd_flags = parser.parse_known_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with OsqueryStandIn(args.scenario, args.socket, samples_dir=args.samples_dir, triage=args.triage):
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
