"""Reading the inventory: ``hosts``, ``host``, ``software``, ``gaps``, ``explain``."""
from __future__ import annotations

import datetime as dt

import click

from server import queries
from server.cli import identity, osquery_hosts, triage
from server.cli.context import Context, echo_rows, echo_stream, handle_errors, output_options, pass_context
from server.botnet.match import listed_hosts
from server.inventory import approval, units
from server.reports.i18n import phrase
from server.reports.render import render, render_facts

GAP_COLUMNS = ["host", "unit", "advisory", "severity", "cves", "item", "installed", "fixed", "deadline", "overdue",
               "botnet_listed"]


UNIT_OPTION = click.option("--unit", "unit_names", multiple=True, metavar="NAME",
                           help="Only this unit and the units under it (repeatable).")


@click.command()
@UNIT_OPTION
@click.option("--pending", is_flag=True, help="Enrollments waiting for an admin's approval instead.")
@output_options
@pass_context
@handle_errors
def hosts(ctx: Context, unit_names: tuple[str, ...], pending: bool, fmt: str) -> None:
    """Enrolled hosts with their OS, software count and open gaps."""
    with ctx.reading() as session:
        chosen = units.selected(session, unit_names)
        if pending:
            attempts = [a for a in approval.pending(session) if chosen is None or a.unit_id in chosen]
            echo_rows(ctx, identity.attempt_rows(attempts), fmt, identity.ATTEMPT_COLUMNS)
            return
        echo_rows(ctx, queries.hosts(session, chosen, listed_hosts(session, chosen)), fmt)


class HostGroup(click.Group):
    """``host NAME`` shows a host; ``host approve|deny|revoke ...`` act on one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=HostGroup)
def host() -> None:
    """One host: `host NAME` shows it; approve, deny or revoke its enrollment; ask a triage snapshot."""


@host.command("show")
@click.argument("name")
@click.option("--osquery-status", "osquery_status", is_flag=True,
              help="What osqueryd last answered, query by query, and its status log (hosts on osquery's TLS API).")
@output_options
@pass_context
@handle_errors
def host_show(ctx: Context, name: str, osquery_status: bool, fmt: str) -> None:
    """One host: facts, addresses, hotfixes and open gaps."""
    if osquery_status:
        osquery_hosts.show_status(ctx, name, fmt)
        return
    now = dt.datetime.now(dt.timezone.utc)
    with ctx.reading() as session:
        facts, addresses, patches = queries.host_detail(session, name)
        gaps = list(queries.gaps(session, now, host=name))
    if fmt != "table":
        import json

        if fmt == "json":
            payload = {"host": facts, "addresses": addresses, "patches": patches, "gaps": gaps}
            click.echo(json.dumps(payload, default=str, ensure_ascii=False, indent=2))
        else:
            click.echo(render(gaps, "csv", ctx.lang, GAP_COLUMNS))
        return
    click.echo(render_facts(facts, ctx.lang))
    for rows in (addresses, patches):
        if rows:
            click.echo()
            click.echo(render(rows, "table", ctx.lang))
    click.echo()
    click.echo(phrase("gaps_of", ctx.lang, host=facts["host"]))
    click.echo(render(gaps, "table", ctx.lang, [c for c in GAP_COLUMNS if c not in ("host", "unit")]))


@click.command()
@click.option("--host", "host_name", help="Only software of this host.")
@click.option("--name", help="Only names containing this text.")
@output_options
@pass_context
@handle_errors
def software(ctx: Context, host_name: str | None, name: str | None, fmt: str) -> None:
    """Distinct installed software and how many hosts have it."""
    with ctx.reading() as session:
        echo_rows(ctx, queries.software(session, host_name, name), fmt)


def _as_of(day: dt.datetime | None) -> dt.datetime:
    if day is None:
        return dt.datetime.now(dt.timezone.utc)
    return day.replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=1)


@click.command()
@click.option("--host", "host_name", help="Only this host.")
@UNIT_OPTION
@click.option("--warning", help="Only this warning number or advisory id.")
@click.option("--overdue", is_flag=True, help="Only gaps past their deadline.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), help="As they stood at the end of this day.")
@output_options
@pass_context
@handle_errors
def gaps(ctx: Context, host_name: str | None, unit_names: tuple[str, ...], warning: str | None, overdue: bool,
         as_of: dt.datetime | None, fmt: str) -> None:
    """Open gaps: which host misses which fix, deadline first."""
    with ctx.reading() as session:
        chosen = units.selected(session, unit_names)
        rows = queries.gaps(session, _as_of(as_of), host=host_name, units=chosen, warning=warning,
                            overdue=overdue, listed=listed_hosts(session, chosen, _as_of(as_of)))
        echo_stream(ctx, rows, fmt, GAP_COLUMNS + (["first_detected"] if fmt != "table" else []))


@click.command()
@click.argument("host_name", metavar="HOST")
@click.argument("advisory")
@output_options
@pass_context
@handle_errors
def explain(ctx: Context, host_name: str, advisory: str, fmt: str) -> None:
    """Why HOST is (or is not) affected by ADVISORY: rule, item, comparison."""
    from server.matching.explain import explain as explain_host

    with ctx.reading() as session:
        rows = [e.as_row() for e in explain_host(session, queries.find_host(session, host_name), advisory)]
    echo_rows(ctx, rows, fmt)


for command in (*identity.HOST_COMMANDS, *triage.HOST_COMMANDS, *osquery_hosts.HOST_COMMANDS):
    host.add_command(command)

COMMANDS = (hosts, host, software, gaps, explain)
