"""The triage snapshot without osquery, on Linux: what /proc tells.

Listening ports and connections to remote addresses with the processes
holding them, and the process list, under the same names and columns as the
osquery queries. Startup items, cron, systemd units and recent executables
need osquery here: they are listed as skipped, with why.
"""
from __future__ import annotations

import platform
from pathlib import Path

from collector.errors import SourceUnavailable
from collector.triage import procnet
from collector.triage.interface import TriageRun, TriageSource, result

LIMIT = 500  # rows per result, as the osquery queries' "-- limit:"
NEEDS_OSQUERY = ("startup_items", "crontab", "systemd_units", "recent_executables")
LISTENING = ["pid", "name", "path", "address", "port", "protocol", "family"]
REMOTE = ["pid", "name", "path", "cmdline", "local_address", "local_port", "remote_address", "remote_port",
          "protocol", "state"]
PROCESSES = ["pid", "parent", "name", "path", "cmdline", "uid"]


class NativeTriage(TriageSource):
    name = "native"

    def __init__(self, proc: str | Path = procnet.PROC, system: str | None = None) -> None:
        self.proc = Path(proc)
        self.system = system or platform.system()

    def run(self) -> TriageRun:
        if self.system != "Linux":
            raise SourceUnavailable.of("triage_needs_osquery", system=self.system)
        processes = procnet.read_processes(self.proc)
        owners, unreadable = procnet.socket_owners(self.proc)
        sockets = procnet.read_sockets(self.proc)

        def owner(socket: procnet.Socket) -> list[object]:
            found = processes.get(owners.get(socket.inode, -1))
            return [found.pid, found.name, found.path] if found else ["", "", ""]

        listening = sorted((s for s in sockets if s.listening), key=lambda s: (s.local_port, s.local_address))
        remote = sorted((s for s in sockets if not s.listening and procnet.is_remote(s.remote_address)),
                        key=lambda s: (s.remote_address, s.remote_port))
        results = [
            result("listening_ports", LISTENING, ([*owner(s), s.local_address, s.local_port, s.protocol, s.family]
                                                  for s in listening), LIMIT),
            result("remote_connections", REMOTE, ([*owner(s), _cmdline(processes, owners.get(s.inode)),
                                                   s.local_address, s.local_port, s.remote_address, s.remote_port,
                                                   s.protocol, s.state] for s in remote), LIMIT),
            result("processes", PROCESSES, ([p.pid, p.parent, p.name, p.path, p.cmdline, p.uid]
                                            for p in processes.values()), LIMIT),
        ]
        skipped = [f"{name}: needs osquery on this machine (https://osquery.io/downloads)" for name in NEEDS_OSQUERY]
        if unreadable:
            skipped.append(f"socket owners: {unreadable} processes of other users cannot be read without root; "
                           "their sockets show no process")
        return TriageRun(results, skipped)


def _cmdline(processes: dict[int, procnet.Process], pid: int | None) -> str:
    found = processes.get(pid) if pid is not None else None
    return found.cmdline if found else ""
