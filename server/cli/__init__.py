"""The ``patchgap`` command: admin CLI and server. A thin layer: each command
parses options, calls one service, renders."""
from __future__ import annotations

import os

import click

from server.cli import admin, botnet, demo, feeds, identity, inventory, osquery_flags, report, units, warnings
from server.cli.context import Context
from server.settings import ENV_DATABASE_URL, default_database_url


def locale_language() -> str:
    """vi when the locale is Vietnamese (LC_ALL, LC_MESSAGES or LANG), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


for module in (admin, inventory, report, identity, units, botnet, warnings, feeds, demo, osquery_flags):
    for command in module.COMMANDS:
        main.add_command(command)
