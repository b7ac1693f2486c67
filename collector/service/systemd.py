"""Linux: a oneshot service started by a timer (daily, and after boot, with
``RandomizedDelaySec``; ``Persistent`` makes up a run missed while the PC
was off)."""
from __future__ import annotations

import os
import shutil

from collector.service import schedule
from collector.service.plan import Plan, RemoveFile, RunCommand, WriteFile

UNIT = "patchgap-collect"
UNIT_DIR = "/etc/systemd/system"
SERVICE_PATH = f"{UNIT_DIR}/{UNIT}.service"
TIMER_PATH = f"{UNIT_DIR}/{UNIT}.timer"
DEFAULT_CONFIG = "/etc/patchgap/collector.ini"
EXIT_SPOOLED = 75  # the report waits in the spool: the next run sends it


def quote(arg: str) -> str:
    """One ExecStart word: systemd expands % specifiers and $VARIABLES, so both are doubled."""
    escaped = arg.replace("\\", "\\\\").replace("%", "%%").replace("$", "$$")
    if escaped and not any(c.isspace() or c in "\"'" for c in escaped):
        return escaped
    return '"' + escaped.replace('"', '\\"') + '"'


def service_unit(command: list[str]) -> str:
    return f"""[Unit]
Description=patchgap collector: send this machine's software inventory
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={" ".join(quote(arg) for arg in command)}
SuccessExitStatus={EXIT_SPOOLED}
Nice=10
IOSchedulingClass=idle
TimeoutStartSec={schedule.TASK_TIME_LIMIT_MINUTES}min
"""


def timer_unit() -> str:
    return f"""[Unit]
Description=patchgap collector: daily and after boot

[Timer]
OnCalendar=*-*-* {schedule.DAILY_HOUR:02d}:00:00
OnBootSec={schedule.BOOT_DELAY_MINUTES}min
RandomizedDelaySec={schedule.SPREAD_MINUTES}min
Persistent=true

[Install]
WantedBy=timers.target
"""


def install(command: list[str]) -> Plan:
    timer = f"{UNIT}.timer"
    return Plan("linux", timer, (
        WriteFile(SERVICE_PATH, service_unit(command)),
        WriteFile(TIMER_PATH, timer_unit()),
        RunCommand(("systemctl", "daemon-reload")),
        RunCommand(("systemctl", "enable", timer)),
        RunCommand(("systemctl", "restart", timer)),  # a reinstall takes the new schedule at once
    ))


def uninstall() -> Plan:
    timer = f"{UNIT}.timer"
    return Plan("linux", timer, (
        RunCommand(("systemctl", "disable", "--now", timer), may_fail=True),
        RemoveFile(TIMER_PATH),
        RemoveFile(SERVICE_PATH),
        RunCommand(("systemctl", "daemon-reload")),
    ))


def manager_missing() -> str | None:
    """systemd is usable only when it is PID 1 (containers and WSL often lack it)."""
    running = os.path.isdir("/run/systemd/system") and shutil.which("systemctl") is not None
    return None if running else "systemd"
