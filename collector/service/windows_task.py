"""Windows: a scheduled task run as SYSTEM, daily (with a random delay) and
after each boot (Task Scheduler's boot trigger has only a fixed delay, so it
is spread per machine), registered from an XML definition with
``schtasks /Create /XML``."""
from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import PureWindowsPath

from collector.service import schedule
from collector.service.plan import Plan, RemoveFile, RunCommand, WriteFile

TASK = "patchgap-collect"
NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
SYSTEM_SID = "S-1-5-18"  # LocalSystem, whatever the Windows language
PROGRAM_DATA = PureWindowsPath(os.environ.get("ProgramData", r"C:\ProgramData"))
TASK_XML_PATH = str(PROGRAM_DATA / "patchgap" / f"{TASK}-task.xml")
DEFAULT_CONFIG = str(PROGRAM_DATA / "patchgap" / "collector.ini")  # platformdirs' site config dir


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def task_xml(command: list[str], hostname: str | None = None) -> str:
    """The task definition (Task Scheduler schema 1.2) as text."""
    boot_delay = schedule.BOOT_DELAY_MINUTES + schedule.machine_offset(schedule.SPREAD_MINUTES, hostname)
    task = ET.Element("Task", version="1.2", xmlns=NAMESPACE)
    info = _add(task, "RegistrationInfo")
    _add(info, "Description", "patchgap collector: send this machine's software inventory")
    _add(info, "URI", f"\\{TASK}")

    triggers = _add(task, "Triggers")
    daily = _add(triggers, "CalendarTrigger")
    _add(daily, "StartBoundary", f"2024-01-01T{schedule.DAILY_HOUR:02d}:00:00")  # local time, from then on
    _add(daily, "Enabled", "true")
    _add(daily, "RandomDelay", f"PT{schedule.SPREAD_MINUTES}M")
    _add(_add(daily, "ScheduleByDay"), "DaysInterval", "1")
    boot = _add(triggers, "BootTrigger")
    _add(boot, "Enabled", "true")
    _add(boot, "Delay", f"PT{boot_delay}M")

    principal = _add(_add(task, "Principals"), "Principal", id="System")
    _add(principal, "UserId", SYSTEM_SID)
    _add(principal, "RunLevel", "HighestAvailable")

    settings = _add(task, "Settings")
    for tag, value in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("StartWhenAvailable", "true"),  # make up a run missed while the PC was off
        ("RunOnlyIfNetworkAvailable", "false"),  # offline, the report waits in the spool
        ("ExecutionTimeLimit", f"PT{schedule.TASK_TIME_LIMIT_MINUTES}M"),
        ("Priority", "7"),  # below normal: an old PC stays usable
        ("Enabled", "true"),
    ):
        _add(settings, tag, value)

    action = _add(_add(task, "Actions", Context="System"), "Exec")
    _add(action, "Command", command[0])
    _add(action, "Arguments", subprocess.list2cmdline(command[1:]))
    ET.indent(task)
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"


def install(command: list[str]) -> Plan:
    return Plan("windows", TASK, (
        WriteFile(TASK_XML_PATH, task_xml(command), encoding="utf-16"),
        RunCommand(("schtasks", "/Create", "/TN", TASK, "/XML", TASK_XML_PATH, "/F")),
    ))


def uninstall() -> Plan:
    return Plan("windows", TASK, (
        RunCommand(("schtasks", "/Delete", "/TN", TASK, "/F"), may_fail=True),
        RemoveFile(TASK_XML_PATH),
    ))


def manager_missing() -> str | None:
    return None if shutil.which("schtasks") else "Task Scheduler"
