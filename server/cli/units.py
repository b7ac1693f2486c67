"""The unit tree: ``unit add|list|move|rename|approval``."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from server.cli.context import Context, echo_rows, handle_errors, output_options, pass_context
from server.db.models import Host
from server.db.models import Unit
from server.inventory import approval, units
from server.reports.i18n import phrase

INDENT = "· "  # tabulate strips leading spaces


@click.group("unit")
def unit_group() -> None:
    """Units (đơn vị) as a tree, and their enrollment rules."""


@unit_group.command("add")
@click.argument("name")
@click.option("--parent", help="The unit it belongs to (none: a top unit, e.g. the province).")
@click.option("--code", default="", help="Administrative code of the unit (mã đơn vị).")
@pass_context
@handle_errors
def unit_add(ctx: Context, name: str, parent: str | None, code: str) -> None:
    """Add a unit, optionally under a parent unit."""
    with ctx.transaction() as session:
        unit = units.add_unit(session, name, parent, code)
        click.echo(phrase("unit_added", ctx.lang, unit=unit.name, parent=parent or "-"))


@unit_group.command("list")
@output_options
@pass_context
@handle_errors
def unit_list(ctx: Context, fmt: str) -> None:
    """Units as a tree, with their hosts (own and under them) and approval rule."""
    with ctx.reading() as session:
        tree = units.UnitTree.load(session)
        own = dict(session.execute(select(Host.unit_id, func.count()).group_by(Host.unit_id)).all())
        approve = dict(session.execute(select(Unit.id, Unit.approve_new_hosts)).all())
        rows = []
        for node, depth in tree.walk():
            parent = tree.nodes.get(node.parent_id) if node.parent_id else None
            rows.append({
                "unit": (INDENT * depth + node.name) if fmt == "table" else node.name,
                "code": node.code,
                "parent": parent.name if parent else "",
                "hosts": own.get(node.id, 0),
                "hosts_in_tree": sum(own.get(u, 0) for u in tree.subtree(node.id)),
                "approve_new_hosts": approve[node.id],
            })
    echo_rows(ctx, rows, fmt, ["unit", "code", "parent", "hosts", "hosts_in_tree", "approve_new_hosts"])


@unit_group.command("move")
@click.argument("name")
@click.option("--parent", help="The new parent unit.")
@click.option("--root", is_flag=True, help="Make it a top unit.")
@pass_context
@handle_errors
def unit_move(ctx: Context, name: str, parent: str | None, root: bool) -> None:
    """Put a unit (with everything under it) under another unit, or at the top."""
    if bool(parent) == root:
        raise click.UsageError(phrase("parent_or_root", ctx.lang))
    with ctx.transaction() as session:
        unit = units.move_unit(session, name, parent)
        click.echo(phrase("unit_moved", ctx.lang, unit=unit.name, parent=parent or "-"))


@unit_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@click.option("--code", help="Also set its administrative code.")
@pass_context
@handle_errors
def unit_rename(ctx: Context, name: str, new_name: str, code: str | None) -> None:
    """Rename a unit; hosts, secrets and history stay with it."""
    with ctx.transaction() as session:
        unit = units.rename_unit(session, name, new_name, code)
        click.echo(phrase("unit_renamed", ctx.lang, old=name, unit=unit.name))


@unit_group.command("approval")
@click.argument("name")
@click.argument("setting", type=click.Choice(["on", "off"]))
@pass_context
@handle_errors
def unit_approval(ctx: Context, name: str, setting: str) -> None:
    """on: new hosts enrolled with this unit's secret wait for `host approve`."""
    with ctx.transaction() as session:
        unit = approval.require_approval(session, name, setting == "on")
        click.echo(phrase("approval_on" if unit.approve_new_hosts else "approval_off", ctx.lang, unit=unit.name))


@unit_group.group("egress")
def egress_group() -> None:
    """Public address ranges a unit's machines reach the outside from (NAT), with their validity."""


DATE = click.DateTime(["%Y-%m-%d", "%d/%m/%Y"])


@egress_group.command("add")
@click.argument("unit")
@click.argument("cidr")
@click.option("--from", "valid_from", type=DATE, help="First day the range is the unit's (default: always).")
@click.option("--until", "valid_until", type=DATE, help="Last day the range is the unit's (default: still).")
@click.option("--note", default="", help="e.g. the provider's line or contract.")
@pass_context
@handle_errors
def egress_add(ctx: Context, unit: str, cidr: str, valid_from, valid_until, note: str) -> None:  # type: ignore[no-untyped-def]
    """Declare that UNIT reaches the outside from CIDR (for a period)."""
    from server.botnet import egress

    with ctx.transaction() as session:
        row = egress.add(session, unit, cidr, valid_from.date() if valid_from else None,
                         valid_until.date() if valid_until else None, note)
        click.echo(phrase("egress_added", ctx.lang, id=row.id, unit=unit, network=row.network))


@egress_group.command("list")
@click.option("--unit", "unit_names", multiple=True, metavar="NAME", help="This unit and the units under it.")
@output_options
@pass_context
@handle_errors
def egress_list(ctx: Context, unit_names: tuple[str, ...], fmt: str) -> None:
    """Egress ranges with their units and validity."""
    from server.botnet import egress

    with ctx.reading() as session:
        rows = [{"id": r.id, "unit": r.unit.name, "network": r.network, "valid_from": r.valid_from,
                 "valid_until": r.valid_until, "note": r.note}
                for r in egress.listing(session, units.selected(session, unit_names))]
    echo_rows(ctx, rows, fmt, ["id", "unit", "network", "valid_from", "valid_until", "note"])


@egress_group.command("remove")
@click.argument("egress_id", metavar="ID", type=int)
@pass_context
@handle_errors
def egress_remove(ctx: Context, egress_id: int) -> None:
    """Remove an egress range by the ID `unit egress list` shows."""
    from server.botnet import egress

    with ctx.transaction() as session:
        row = egress.remove(session, egress_id)
        click.echo(phrase("egress_removed", ctx.lang, id=egress_id, network=row.network))


COMMANDS = (unit_group,)
