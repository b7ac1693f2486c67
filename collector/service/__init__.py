"""Run the collector on a schedule with each OS's own service manager:
a systemd timer on Linux, a launchd daemon on macOS, a scheduled task on
Windows. Each OS module only builds a :class:`~collector.service.plan.Plan`
(files to write, commands to run); ``plan.py`` prints or carries it out, so a
dry run shows exactly what an install does.

Every schedule is daily in office hours (PCs are off at night) plus after each
boot, spread over a window so an office's PCs do not all report at once on a
slow link.
"""
from __future__ import annotations

import sys

from collector.service import launchd, systemd, windows_task
from collector.service.plan import Plan

SYSTEMS = ("linux", "macos", "windows")
_MODULES = {"linux": systemd, "macos": launchd, "windows": windows_task}


def this_system() -> str | None:
    """linux, macos or windows for the running machine; None for anything else."""
    if sys.platform.startswith("linux"):
        return "linux"
    return {"darwin": "macos", "win32": "windows"}.get(sys.platform)


def default_config(system: str) -> str:
    """The system-wide config file the service reads on ``system``."""
    return _MODULES[system].DEFAULT_CONFIG


def install_plan(system: str, command: list[str]) -> Plan:
    """What installing the service that runs ``command`` does on ``system``."""
    return _MODULES[system].install(command)


def uninstall_plan(system: str) -> Plan:
    """What removing the service does on ``system``."""
    return _MODULES[system].uninstall()


def manager_missing(system: str) -> str | None:
    """The name of ``system``'s service manager when it is not usable here, else None."""
    return _MODULES[system].manager_missing()
