"""The botnet IP list: ``botnet import|list|remove|hits|triage``, ``explain-address``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from server.cli.context import Context, echo_rows, handle_errors, output_options, pass_context
from server.cli.triage import botnet_triage
from server.inventory import units
from server.reports.i18n import phrase

HIT_COLUMNS = ["host", "unit", "list", "entry_row", "network", "seen_at", "family", "address_kind", "address",
               "held_from", "held_until"]
DATE = click.DateTime(["%Y-%m-%d", "%d/%m/%Y"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _columns(text: str | None) -> dict[str, str] | None:
    """``ip=COL,time=COL`` as a mapping (a header, a column letter or number)."""
    if not text:
        return None
    mapping = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in ("ip", "time", "family", "port", "unit", "isp") or not value.strip():
            raise click.BadParameter(phrase("bad_columns", "en", part=part), param_hint="--columns")
        mapping[key.strip()] = value.strip()
    return mapping


def hit_rows(found) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [{"host": h.host, "unit": h.unit, "list": h.list_name, "entry_row": h.entry_row, "network": h.network,
             "seen_at": h.seen_at, "family": h.family, "address_kind": h.how, "address": h.address,
             "held_from": h.held_from, "held_until": h.held_until} for h in found]


@click.group("botnet")
def botnet_group() -> None:
    """Botnet IP lists: import them, see which machines are behind each address."""


@botnet_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Name of the list (default: the file name).")
@click.option("--listed-on", type=DATE, help="Date of the list (default: today).")
@click.option("--columns", metavar="ip=COL,time=COL,...", help="Which columns hold what (header, letter or number).")
@click.option("--window-days", default=30, show_default=True, type=click.IntRange(0, 366),
              help="Entries without a time match addresses held this many days before the list's date.")
@pass_context
@handle_errors
def botnet_import(ctx: Context, path: Path, name: str | None, listed_on: dt.datetime | None, columns: str | None,
                  window_days: int) -> None:
    """Import a list: CSV, XLSX or text, Shadowserver, Feodo Tracker or Spamhaus DROP."""
    from server.botnet import store
    from server.botnet.model import ListError
    from server.botnet.parse import parse_list
    from server.triage.requests import ask_listed

    try:
        parsed = parse_list(path, _columns(columns))
    except ListError as exc:
        raise click.ClickException(phrase("botnet_refused", ctx.lang, file=path.name, reason=exc)) from None
    for problem in parsed.problems:
        click.echo(phrase("row_problem", ctx.lang, file=path.name, row=problem.row, reason=problem.reason), err=True)
    day = listed_on.date() if listed_on else _now().date()
    with ctx.transaction() as session:
        stored = store.store_list(session, parsed, name or path.stem, day, path.name, window_days, _now())
        named = {h.host_id for h in _hits(session, [stored.name])}
        # Every host the list names is asked for a triage snapshot (once while one waits).
        asked = 0 if stored.status == "unchanged" else ask_listed(session, named, stored.name, _now())
    click.echo(phrase("botnet_imported", ctx.lang, name=stored.name, status=phrase("status_" + stored.status, ctx.lang),
                      entries=stored.entries, bad=len(parsed.problems), hosts=len(named)))
    if asked:
        click.echo(phrase("triage_listed_asked", ctx.lang, count=asked))


def _hits(session, names, chosen=None):  # type: ignore[no-untyped-def]
    from server.botnet.match import hits

    return hits(session, names, chosen)


@botnet_group.command("list")
@output_options
@pass_context
@handle_errors
def botnet_list(ctx: Context, fmt: str) -> None:
    """Imported lists with their date, entries and the hosts they name."""
    from server.botnet import store

    with ctx.reading() as session:
        rows = []
        for row in store.lists(session):
            named = {h.host_id for h in _hits(session, [row.name])}
            rows.append({"list": row.name, "listed_on": row.listed_on, "kind": row.kind, "rows": len(row.entries),
                         "matched_hosts": len(named), "imported": row.imported_at})
    echo_rows(ctx, rows, fmt, ["list", "listed_on", "kind", "rows", "matched_hosts", "imported"])


@botnet_group.command("remove")
@click.argument("name")
@pass_context
@handle_errors
def botnet_remove(ctx: Context, name: str) -> None:
    """Remove an imported list."""
    from server.botnet import store

    with ctx.transaction() as session:
        store.remove_list(session, name)
    click.echo(phrase("botnet_removed", ctx.lang, name=name))


@botnet_group.command("hits")
@click.option("--list", "list_names", multiple=True, metavar="NAME", help="Only this list (repeatable).")
@click.option("--unit", "unit_names", multiple=True, metavar="NAME", help="This unit and the units under it.")
@output_options
@pass_context
@handle_errors
def botnet_hits(ctx: Context, list_names: tuple[str, ...], unit_names: tuple[str, ...], fmt: str) -> None:
    """The hosts behind listed addresses: which entry, which address, how, when."""
    from server import queries

    with ctx.reading() as session:
        found = _hits(session, list_names, units.selected(session, unit_names))
        gaps = {h: queries.open_gap_count(session, h, _now()) for h in {x.host_id for x in found}}
        rows = [{**row, "open_gaps": gaps[hit.host_id]} for row, hit in zip(hit_rows(found), found)]
    echo_rows(ctx, rows, fmt, HIT_COLUMNS + ["open_gaps"])


@click.command("explain-address")
@click.argument("address")
@click.option("--at", type=DATE, help="On this day (default: at any time).")
@output_options
@pass_context
@handle_errors
def explain_address(ctx: Context, address: str, at: dt.datetime | None, fmt: str) -> None:
    """Every host that held ADDRESS (or an address in that range) then, and how."""
    from server.botnet.egress import normalise
    from server.botnet.match import holders

    when = at.replace(tzinfo=dt.timezone.utc) + dt.timedelta(hours=12) if at else None
    with ctx.reading() as session:
        rows = hit_rows(holders(session, normalise(address), when))
    echo_rows(ctx, rows, fmt, ["host", "unit", "address_kind", "address", "held_from", "held_until"])


botnet_group.add_command(botnet_triage)
COMMANDS = (botnet_group, explain_address)
