"""National warnings: ``warnings import|template|list|show``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy import func, select

from server.advisories.letters import import_letters
from server.cli.context import Context, echo_rows, handle_errors, output_options, pass_context
from server.db.models import Advisory, Affected, Finding, Warning
from server.errors import NotFound
from server.feeds.warning_template import write_template
from server.feeds.warnings import parse_template


@click.group("warnings")
def warnings_group() -> None:
    """National warning letters (công văn) and their products."""


@warnings_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows of a file with errors.")
@pass_context
@handle_errors
def warnings_import(ctx: Context, path: Path, skip_bad_rows: bool) -> None:
    """Import a filled warning template (.csv or .xlsx)."""
    result = parse_template(path)
    for problem in result.problems:
        click.echo(f"{path.name}: {problem.path}: {problem.reason}", err=True)
    if result.problems and not skip_bad_rows:
        raise click.ClickException(
            f"{len(result.problems)} row error(s); nothing imported (fix them, or use --skip-bad-rows)"
        )
    now = dt.datetime.now(dt.timezone.utc)
    with ctx.transaction() as session:
        summary = import_letters(session, str(path), result, now)
    click.echo(
        f"{len(result.letters)} warning(s), {sum(len(a.affected) for a in result.advisories)} product row(s) "
        f"from {result.rows} row(s); gaps opened {summary.findings.opened}, resolved {summary.findings.resolved}"
    )


@warnings_group.command("template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "template_lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the header row.")
@click.option("--example", is_flag=True, help="Add one filled example row.")
@handle_errors
def warnings_template(path: Path, template_lang: str, example: bool) -> None:
    """Write a blank template (.csv or .xlsx) to fill from a letter."""
    if path.exists():
        raise click.ClickException(f"{path} exists; choose another name")
    write_template(path, template_lang, example)
    click.echo(f"wrote {path}")


def _open_hosts(session, advisory_pk: int | None) -> int:  # type: ignore[no-untyped-def]
    if advisory_pk is None:
        return 0
    return session.scalar(
        select(func.count(func.distinct(Finding.host_id))).where(
            Finding.advisory_pk == advisory_pk, Finding.resolved_at.is_(None)
        )
    ) or 0


@warnings_group.command("list")
@output_options
@pass_context
@handle_errors
def warnings_list(ctx: Context, fmt: str) -> None:
    """Imported warnings, newest first, with the hosts still affected."""
    with ctx.transaction() as session:
        rows = [
            {
                "number": w.number,
                "issued_on": w.issued_on,
                "issuing_body": w.issuing_body,
                "subject": w.subject,
                "severity": w.severity,
                "deadline": w.deadline,
                "affected_hosts": _open_hosts(session, w.advisory_pk),
            }
            for w in session.scalars(select(Warning).order_by(Warning.issued_on.desc(), Warning.number))
        ]
    echo_rows(ctx, rows, fmt)


@warnings_group.command("show")
@click.argument("number")
@output_options
@pass_context
@handle_errors
def warnings_show(ctx: Context, number: str, fmt: str) -> None:
    """One warning: its products, fixes and affected hosts."""
    with ctx.transaction() as session:
        warning = session.scalar(select(Warning).where(Warning.number == number))
        if warning is None:
            raise NotFound(f"no warning {number!r} (see `patchgap warnings list`)")
        items = session.scalars(select(Affected).where(Affected.advisory_pk == warning.advisory_pk)).all()
        hosts = dict(
            session.execute(
                select(Finding.affected_id, func.count(func.distinct(Finding.host_id)))
                .where(Finding.advisory_pk == warning.advisory_pk, Finding.resolved_at.is_(None))
                .group_by(Finding.affected_id)
            ).all()
        )
        advisory = session.get(Advisory, warning.advisory_pk) if warning.advisory_pk else None
        rows = [
            {
                "item": item.product,
                "ecosystem": item.ecosystem,
                "distro": item.distro,
                "fixed": item.fixed_version or ", ".join(item.fixed_kbs),
                "affected_hosts": hosts.get(item.id, 0),
            }
            for item in items
        ]
    if fmt == "table":
        click.echo(f"{warning.number}  {warning.subject}")
        click.echo(f"{warning.issuing_body}  {warning.issued_on or ''}  deadline {warning.deadline or '-'}")
        click.echo("CVE: " + (", ".join(warning.cves) or "-") + (f"   {advisory.url}" if advisory and advisory.url else ""))
        click.echo()
    echo_rows(ctx, rows, fmt)


COMMANDS = (warnings_group,)
