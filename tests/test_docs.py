"""Every command has help text and is documented in README.md."""
from __future__ import annotations

import click

from collector.cli import cli as collector_cli
from server.cli import main as admin_cli
from tests.conftest import PROJECT_ROOT


def commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, path))
    return found


ALL = commands(admin_cli, "patchgap") + commands(collector_cli, "patchgap-collect")


def test_every_command_has_help() -> None:
    missing = [path for path, command in ALL if not (command.help or "").strip()]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    leaves = [path for path, command in ALL if not isinstance(command, click.Group)]
    missing = [path for path in leaves if path not in readme and path.replace("patchgap ", "", 1) not in readme]
    assert missing == []


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    demo_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[server]' && .venv/bin/patchgap demo"
    head = readme[: readme.index("## ")]
    assert demo_command in head and test_command in head
    assert ci.rstrip().endswith(test_command)
