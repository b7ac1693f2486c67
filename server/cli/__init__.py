"""The ``patchgap`` command: admin CLI and server. A thin layer: each command
parses options, calls one service, renders."""
from __future__ import annotations

import click

from server.cli import admin, demo, feeds, identity, inventory, report, units, warnings
from server.cli.context import Context
from server.settings import ENV_DATABASE_URL, default_database_url


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
    default="en",
    show_default=True,
    help="Language of tables and reports.",
)
@click.version_option(package_name="patchgap")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, lang: str) -> None:
    """patchgap: which machine misses which security fix, against national warnings."""
    ctx.obj = Context(database_url=database_url or default_database_url(), lang=lang)


for module in (admin, inventory, report, identity, units, warnings, feeds, demo):
    for command in module.COMMANDS:
        main.add_command(command)
