"""Triage snapshots: ``host triage HOST`` asks one of a host, ``botnet triage
HOST`` shows the latest, query by query, ⚑ on remote addresses that are on
an imported botnet list."""
from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import click
from tabulate import tabulate

from server import queries
from server.cli.context import Context, admin_name, handle_errors, pass_context
from server.db.models import TriageRequest
from server.reports.i18n import PHRASES, date_text, phrase

if TYPE_CHECKING:
    from server.triage.view import TriageView

FLAG = "⚑"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _why(request: TriageRequest, lang: str) -> str:
    return phrase(f"triage_why_{request.reason}", lang, by=request.requested_by)


def _title(name: str, lang: str) -> str:
    key = f"triage_{name}"
    return phrase(key, lang) if key in PHRASES else name


@click.command("triage")
@click.argument("name", metavar="HOST")
@pass_context
@handle_errors
def host_triage(ctx: Context, name: str) -> None:
    """Ask HOST for a triage snapshot (ports, connections, autoruns...) at its next report."""
    from sqlalchemy import select

    from server.cli.osquery_hosts import reports_through_osquery
    from server.db.models import Host
    from server.triage import requests

    with ctx.transaction() as session:
        host = queries.find_host(session, name)
        request, created = requests.ask(session, host.id, "admin", admin_name(), _now())
        if created:
            # An osquery-only host is asked through distributed queries, not at a report.
            through_osquery = session.scalar(select(Host.id).where(Host.id == host.id, reports_through_osquery()))
            click.echo(phrase("triage_asked_osquery" if through_osquery else "triage_asked", ctx.lang,
                              host=host.hostname))
        else:
            click.echo(phrase("triage_already", ctx.lang, host=host.hostname, at=date_text(request.requested_at),
                              why=_why(request, ctx.lang)))


@click.command("triage")
@click.argument("name", metavar="HOST")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@pass_context
@handle_errors
def botnet_triage(ctx: Context, name: str, fmt: str) -> None:
    """The latest triage snapshot of HOST; ⚑ marks remote addresses on an imported list."""
    from server.triage.view import triage_view

    with ctx.reading() as session:
        view = triage_view(session, queries.find_host(session, name))
        click.echo(as_json(view) if fmt == "json" else as_text(view, ctx.lang))


def as_text(view: TriageView, lang: str) -> str:
    """Query by query: title, row count, the rows as a table; then what was skipped and the ⚑ legend."""
    if view.received_at is None:
        waiting = view.request
        return "\n".join([
            phrase("triage_none", lang, host=view.host),
            phrase("triage_pending", lang, at=date_text(waiting.requested_at), why=_why(waiting, lang)) if waiting
            else phrase("triage_not_asked", lang, host=view.host),
        ])
    lines = [phrase("triage_head", lang, host=view.host, collected=date_text(view.collected_at), source=view.source,
                    received=date_text(view.received_at))]
    if view.request is not None:
        lines.append(phrase("triage_newer_asked", lang, at=date_text(view.request.requested_at),
                            why=_why(view.request, lang)))
    legend: dict[str, str] = {}
    for result in view.results:
        lines += ["", phrase("triage_result", lang, title=_title(result.name, lang), name=result.name,
                             count=len(result.rows))]
        if result.error:
            lines.append("  " + phrase("triage_error", lang, error=result.error))
        if result.truncated:
            lines.append("  " + phrase("triage_truncated", lang))
        marked = {(flag.row, flag.column) for flag in result.flags}
        if result.rows:
            rows = [[f"{FLAG} {cell}" if (number, column) in marked else cell
                     for column, cell in zip(result.columns, row)] for number, row in enumerate(result.rows)]
            lines.append(tabulate(rows, headers=result.columns, tablefmt="simple", disable_numparse=True))
        for flag in result.flags:
            for listing in flag.listings:
                family = f" ({listing.family})" if listing.family else ""
                legend.setdefault(f"{flag.address}|{listing.list_name}|{listing.row}", phrase(
                    "triage_flag", lang, address=flag.address, list=listing.list_name, row=listing.row,
                    family=family))
    if view.skipped:
        lines += ["", phrase("triage_skipped", lang), *(f"  - {what}" for what in view.skipped)]
    if legend:
        lines += ["", phrase("triage_flags", lang), *(f"  {FLAG} {line}" for line in legend.values())]
    return "\n".join(lines)


def as_json(view: TriageView) -> str:
    """Stable English keys, ISO dates; ``flagged`` holds each listed remote address by row index."""
    waiting = view.request
    payload = {
        "host": view.host,
        "received_at": view.received_at.isoformat() if view.received_at else None,
        "collected_at": view.collected_at.isoformat() if view.collected_at else None,
        "source": view.source,
        "results": [
            {"name": r.name, "columns": r.columns, "rows": r.rows, "truncated": r.truncated, "error": r.error,
             "flagged": [{"row": f.row, "column": f.column, "address": f.address,
                          "lists": [{"list": x.list_name, "row": x.row, "network": x.network, "family": x.family}
                                    for x in f.listings]} for f in r.flags]}
            for r in view.results
        ],
        "skipped": view.skipped,
        "pending_request": None if waiting is None else {
            "reason": waiting.reason, "requested_by": waiting.requested_by,
            "requested_at": waiting.requested_at.isoformat()},
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


HOST_COMMANDS = (host_triage,)
