"""Host identity for admins: ``host approve|deny|revoke``, ``hosts --pending``
(in ``inventory``), ``enrollments``."""
from __future__ import annotations

import datetime as dt

import click

from server.cli.context import Context, echo_rows, handle_errors, output_options, pass_context
from server.db.models import EnrollAttempt
from server.inventory import approval
from server.reports.i18n import phrase

ATTEMPT_COLUMNS = ["request", "requested", "source_address", "host", "uuid", "unit", "outcome", "reason"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def attempt_rows(attempts: list[EnrollAttempt]) -> list[dict[str, object]]:
    return [
        {"request": a.id, "requested": a.at, "source_address": a.source_address, "host": a.hostname,
         "uuid": a.host_uuid, "unit": a.unit.name if a.unit else "", "outcome": a.outcome, "reason": a.reason}
        for a in attempts
    ]


@click.command("approve")
@click.argument("ref", metavar="REQUEST|HOST")
@pass_context
@handle_errors
def host_approve(ctx: Context, ref: str) -> None:
    """Approve a pending enrollment (its number from `hosts --pending`, or the host)."""
    with ctx.transaction() as session:
        host = approval.approve(session, ref, _now())
        click.echo(phrase("host_approved", ctx.lang, host=host.hostname, unit=host.unit.name))


@click.command("deny")
@click.argument("ref", metavar="REQUEST|HOST")
@pass_context
@handle_errors
def host_deny(ctx: Context, ref: str) -> None:
    """Refuse a pending enrollment: its node key never works."""
    with ctx.transaction() as session:
        attempt = approval.deny(session, ref, _now())
        click.echo(phrase("enrollment_denied", ctx.lang, request=attempt.id, host=attempt.hostname))


@click.command("revoke")
@click.argument("name")
@pass_context
@handle_errors
def host_revoke(ctx: Context, name: str) -> None:
    """Cut a host off: its node key stops working until an enrollment is approved."""
    with ctx.transaction() as session:
        host = approval.revoke(session, name, _now())
        click.echo(phrase("host_revoked_done", ctx.lang, host=host.hostname))


@click.command("enrollments")
@click.option("--suspicious", is_flag=True, help="Only wrong secrets, refused and pending requests.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000), help="How many, newest first.")
@output_options
@pass_context
@handle_errors
def enrollments(ctx: Context, suspicious: bool, limit: int, fmt: str) -> None:
    """Enrollment attempts, newest first: who asked, from where, what became of it."""
    with ctx.reading() as session:
        rows = attempt_rows(approval.attempts(session, limit, suspicious))
    echo_rows(ctx, rows, fmt, ATTEMPT_COLUMNS)


HOST_COMMANDS = (host_approve, host_deny, host_revoke)
COMMANDS = (enrollments,)
