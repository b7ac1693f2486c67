"""The ``patchgap`` command: admin CLI and server. A thin layer: each command
parses options, calls one service, renders."""
from __future__ import annotations

import os
from importlib import import_module

import click

from server.cli.context import Context
from server.settings import ENV_DATABASE_URL, default_database_url

# Command name -> the module that defines it. A command's module is imported
# only when that command runs: the server, the demo and the feeds pull in
# FastAPI, uvicorn and more, a second of start-up no report or listing needs.
# tests/server/test_cli.py checks this table against every module's COMMANDS.
COMMAND_MODULES = {
    "serve": "admin", "rematch": "admin", "db": "admin", "enroll-secret": "admin",
    "hosts": "inventory", "host": "inventory", "software": "inventory", "gaps": "inventory", "explain": "inventory",
    "report": "report", "enrollments": "identity", "unit": "units",
    "botnet": "botnet", "explain-address": "botnet", "warnings": "warnings", "feeds": "feeds", "demo": "demo",
    "osquery": "osquery_flags",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        found = {c.name: c for c in import_module(f"server.cli.{module}").COMMANDS}
        return found.get(cmd_name)


def locale_language() -> str:
    """vi when the locale is Vietnamese (LC_ALL, LC_MESSAGES or LANG), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--db",
    "database_url",
    envvar=ENV_DATABASE_URL,
    default=None,
    metavar="URL",
    help="Database URL (sqlite:///PATH or postgresql://...). Default: a SQLite file in the user data dir.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "vi"]),
    envvar="PATCHGAP_LANG",
    default=locale_language,
    help="Language of tables, reports and messages (default: PATCHGAP_LANG, else the locale, else en).",
)
@click.version_option(package_name="patchgap")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, lang: str) -> None:
    """patchgap: which machine misses which security fix, against national warnings."""
    ctx.obj = Context(database_url=database_url or default_database_url(), lang=lang)
