"""Hosts that report through osquery's own TLS API: ``host NAME
--osquery-status`` (what each inventory query last answered, and osqueryd's
status log) and ``host refresh NAME|--unit U`` (an inventory now, through
osquery's distributed queries)."""
from __future__ import annotations

import datetime as dt
import json

import click
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from server import queries
from server.cli.context import Context, admin_name, echo_rows, handle_errors, pass_context
from server.db.models import Host, OsqueryRefresh, OsqueryResult
from server.errors import InvalidInput
from server.inventory import units
from server.osquery_remote import assemble, refresh, status, store
from server.reports.i18n import phrase

QUERY_COLUMNS = ["osquery_query", "osquery_rows", "osquery_answered", "osquery_error"]
LINE_COLUMNS = ["logged_at", "osquery_level", "osquery_where", "osquery_message"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def reports_through_osquery():  # type: ignore[no-untyped-def]
    """A host that speaks osquery's TLS API: it reported so, answered a query, or has an inventory asked."""
    return or_(Host.collector_source == assemble.SOURCE,
               exists().where(OsqueryResult.host_id == Host.id),
               exists().where(OsqueryRefresh.host_id == Host.id))


def show_status(ctx: Context, name: str, fmt: str) -> None:
    with ctx.reading() as session:
        host = queries.find_host(session, name)
        results = store.stored(session, host.id)
        rows = [{"osquery_query": q, "osquery_rows": len(r.rows), "osquery_answered": r.collected_at,
                 "osquery_error": r.error} for q, r in sorted(results.items())]
        lines = [{"logged_at": line.logged_at, "osquery_level": phrase(f"osquery_severity_{min(line.severity, 3)}",
                                                                        ctx.lang),
                  "osquery_where": line.location, "osquery_message": line.message}
                 for line in status.recent(session, host.id)]
        missing = assemble.assemble(results).missing if results else ()
        hostname = host.hostname
    if fmt == "json":
        click.echo(json.dumps({"queries": rows, "waiting_for": list(missing), "status_log": lines}, default=str,
                              ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        echo_rows(ctx, lines, fmt, LINE_COLUMNS)
        return
    if not rows and not lines:
        click.echo(phrase("osquery_nothing_from", ctx.lang, host=hostname))
        return
    click.echo(phrase("osquery_queries_of", ctx.lang, host=hostname))
    echo_rows(ctx, rows, fmt, QUERY_COLUMNS)
    if missing:
        click.echo(phrase("osquery_waiting_for", ctx.lang, queries=", ".join(missing)))
    click.echo()
    click.echo(phrase("osquery_status_of", ctx.lang, host=hostname, days=status.KEEP_DAYS, lines=status.KEEP_LINES))
    echo_rows(ctx, lines, fmt, LINE_COLUMNS)


def _chosen(session: Session, name: str | None, unit_names: tuple[str, ...]) -> list[Host]:
    if name:
        return [queries.find_host(session, name)]
    chosen = units.selected(session, unit_names)
    return list(session.scalars(select(Host).where(Host.unit_id.in_(sorted(chosen or ())), Host.revoked_at.is_(None))
                                .order_by(Host.hostname)))


@click.command("refresh")
@click.argument("name", required=False, metavar="[HOST]")
@click.option("--unit", "unit_names", multiple=True, metavar="NAME",
              help="Every host of this unit and the units under it (repeatable).")
@pass_context
@handle_errors
def host_refresh(ctx: Context, name: str | None, unit_names: tuple[str, ...]) -> None:
    """Ask an osquery host (or every one of a unit) for its inventory now, through osquery's distributed queries."""
    if bool(name) == bool(unit_names):
        raise InvalidInput.of("osquery_refresh_needs")
    with ctx.transaction() as session:
        chosen = _chosen(session, name, unit_names)
        speaking = set(session.scalars(select(Host.id).where(Host.id.in_([h.id for h in chosen]),
                                                             reports_through_osquery())))
        others = [h.hostname for h in chosen if h.id not in speaking]
        if name and others:
            raise InvalidInput.of("osquery_refresh_not_osquery", host=others[0])
        asked = refresh.ask_many(session, [h for h in chosen if h.id in speaking], admin_name(), _now())
    click.echo(phrase("osquery_refresh_asked", ctx.lang, count=asked, already=len(speaking) - asked))
    if others:
        click.echo(phrase("osquery_refresh_skipped", ctx.lang, count=len(others), hosts=", ".join(others)))


HOST_COMMANDS = (host_refresh,)
