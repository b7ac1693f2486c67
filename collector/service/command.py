"""The command line a service runs: this same collector, as it runs now.

An installed collector runs as ``python -m collector`` with the interpreter
that has it; a single-file collector (zipapp) runs as ``python FILE.pyz``.
Settings come from a config file only: a service has no flags and no
environment of the admin's shell.
"""
from __future__ import annotations

import sys
from pathlib import Path

import collector


def zipapp_archive() -> str | None:
    """The ``.pyz`` this collector runs from, or None when it is installed as files."""
    for parent in Path(collector.__file__).resolve().parents:
        if parent.is_file():  # a path inside an archive: its first existing ancestor is the archive
            return str(parent)
        if parent.is_dir():
            return None
    return None


def collector_command(config: str, python: str | None = None) -> list[str]:
    """``once`` with ``config``, started the way this collector was."""
    interpreter = python or sys.executable
    archive = zipapp_archive()
    head = [interpreter, archive] if archive else [interpreter, "-m", "collector"]
    return [*head, "once", "--config", config]
