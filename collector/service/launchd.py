"""macOS: a launchd daemon (runs as root) started daily and at load, i.e. at
boot. launchd has no random delay: the daily minute is spread per machine
(:func:`schedule.machine_offset`); a run missed while the Mac slept happens
on wake."""
from __future__ import annotations

import plistlib
import shutil

from collector.service import schedule
from collector.service.plan import Plan, RemoveFile, RunCommand, WriteFile

LABEL = "org.patchgap.collect"
PLIST_PATH = f"/Library/LaunchDaemons/{LABEL}.plist"
LOG_PATH = "/Library/Logs/patchgap-collect.log"
DEFAULT_CONFIG = "/Library/Application Support/patchgap/collector.ini"  # platformdirs' site config dir


def daemon_plist(command: list[str], hostname: str | None = None) -> str:
    minutes = schedule.DAILY_HOUR * 60 + schedule.machine_offset(schedule.SPREAD_MINUTES, hostname)
    daemon = {
        "Label": LABEL,
        "ProgramArguments": list(command),
        "StartCalendarInterval": {"Hour": minutes // 60, "Minute": minutes % 60},
        "RunAtLoad": True,
        "ProcessType": "Background",
        "LowPriorityIO": True,
        "Nice": 10,
        "StandardOutPath": LOG_PATH,
        "StandardErrorPath": LOG_PATH,
    }
    return plistlib.dumps(daemon, sort_keys=False).decode("utf-8")


def install(command: list[str]) -> Plan:
    return Plan("macos", LABEL, (
        WriteFile(PLIST_PATH, daemon_plist(command)),
        RunCommand(("launchctl", "bootout", f"system/{LABEL}"), may_fail=True),  # a reinstall replaces it
        RunCommand(("launchctl", "bootstrap", "system", PLIST_PATH)),
    ))


def uninstall() -> Plan:
    return Plan("macos", LABEL, (
        RunCommand(("launchctl", "bootout", f"system/{LABEL}"), may_fail=True),
        RemoveFile(PLIST_PATH),
    ))


def manager_missing() -> str | None:
    return None if shutil.which("launchctl") else "launchd"
