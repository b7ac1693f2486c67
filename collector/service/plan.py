"""A service install or removal as data: files to write or remove and commands
to run, in order. :func:`describe` is the dry run (the same text a real run
follows); :func:`execute` carries it out and stops at the first failure."""
from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from collector.errors import CollectorError
from collector.i18n import message


class ServiceError(CollectorError):
    """Installing or removing the service failed (message already in the user's language)."""


@dataclass(frozen=True)
class WriteFile:
    path: str
    text: str
    encoding: str = "utf-8"  # Windows' task XML is UTF-16, as schtasks reads it
    mode: int = 0o644


@dataclass(frozen=True)
class RemoveFile:
    path: str


@dataclass(frozen=True)
class RunCommand:
    argv: tuple[str, ...]
    may_fail: bool = False  # e.g. unloading a daemon that is not loaded


Action = WriteFile | RemoveFile | RunCommand


@dataclass(frozen=True)
class Plan:
    system: str  # linux, macos or windows: how commands are quoted
    name: str  # what gets installed, for messages (a unit, a label, a task name)
    actions: tuple[Action, ...]

    @property
    def files(self) -> list[str]:
        return [a.path for a in self.actions if isinstance(a, (WriteFile, RemoveFile))]


def command_line(argv: list[str] | tuple[str, ...], system: str) -> str:
    """``argv`` as the user would type it on ``system``."""
    return subprocess.list2cmdline(list(argv)) if system == "windows" else shlex.join(argv)


def describe(plan: Plan, lang: str) -> str:
    """Every action in order; a written file's header is followed by its whole text."""
    lines: list[str] = []
    for action in plan.actions:
        if isinstance(action, WriteFile):
            lines.append(message("service_write", lang, path=action.path, encoding=action.encoding.upper(),
                                 mode=f"{action.mode:o}"))
            lines.append(action.text.rstrip("\n"))
        elif isinstance(action, RemoveFile):
            lines.append(message("service_remove", lang, path=action.path))
        else:
            key = "service_run_may_fail" if action.may_fail else "service_run"
            lines.append(message(key, lang, command=command_line(action.argv, plan.system)))
    return "\n".join(lines) + "\n"


def _write(action: WriteFile, lang: str) -> None:
    path = Path(action.path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(action.text.encode(action.encoding))  # "utf-16" writes the BOM schtasks wants
        os.chmod(temporary, action.mode)
        os.replace(temporary, path)  # never a half-written unit file
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ServiceError(message("service_write_failed", lang, path=path, error=exc.strerror or exc)) from exc


def _remove(action: RemoveFile, lang: str) -> None:
    try:
        Path(action.path).unlink(missing_ok=True)
    except OSError as exc:
        raise ServiceError(message("service_remove_failed", lang, path=action.path, error=exc.strerror or exc)) from exc


def _run(action: RunCommand, system: str, lang: str) -> None:
    shown = command_line(action.argv, system)
    try:
        done = subprocess.run(list(action.argv), capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        if action.may_fail:
            return
        raise ServiceError(message("service_command_failed", lang, command=shown, code="-", output=exc)) from exc
    if done.returncode != 0 and not action.may_fail:
        output = (done.stderr.strip() or done.stdout.strip() or "-").splitlines()[-1]
        raise ServiceError(message("service_command_failed", lang, command=shown, code=done.returncode, output=output))


def execute(plan: Plan, lang: str) -> None:
    """Carry out ``plan`` in order; ServiceError (in ``lang``) at the first failure."""
    for action in plan.actions:
        if isinstance(action, WriteFile):
            _write(action, lang)
        elif isinstance(action, RemoveFile):
            _remove(action, lang)
        else:
            _run(action, plan.system, lang)
