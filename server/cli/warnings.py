"""National warnings: ``warnings import|template|list|show``: PDF letters and templates."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from sqlalchemy import func, select

from server.advisories.letters import import_letter_pdf, import_letters
from server.advisories.overview import COLUMNS as OVERVIEW_COLUMNS
from server.advisories.overview import warning_overview
from server.advisories.resolve import resolution
from server.cli.context import Context, Failure, echo_rows, handle_errors, output_options, pass_context
from server.db.models import Finding, Warning
from server.feeds.warning_columns import parse_date
from server.feeds.warning_template import write_template
from server.feeds.warnings import parse_template
from server.inventory import units
from server.reports.i18n import date_text, phrase


@click.group("warnings")
def warnings_group() -> None:
    """National warning letters (công văn) and their products."""


class _Day(click.ParamType):
    """A date as admins write it: dd/mm/yyyy (or yyyy-mm-dd)."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        try:
            return parse_date(value)
        except ValueError:
            self.fail(f"{value!r} is not a date: write dd/mm/yyyy or yyyy-mm-dd", param, ctx)


@warnings_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad-rows", is_flag=True, help="Template: import the good rows of a file with errors.")
@click.option("--number", default="", help="PDF letter: its number, e.g. 1547/CATTT-NCSC (default: read from the letter).")
@click.option("--deadline", type=_Day(), help="PDF letter: the fix-by date set by whoever relays it.")
@click.option("--issuing-body", default="", help="PDF letter: the body that issued it.")
@click.option("--date", "issued_on", type=_Day(), help="PDF letter: its date (default: read from the letter).")
@click.option("--subject", default="", help="PDF letter: its subject (default: the \"V/v ...\" line).")
@pass_context
@handle_errors
def warnings_import(ctx: Context, path: Path, skip_bad_rows: bool, number: str, deadline: dt.date | None,
                    issuing_body: str, issued_on: dt.date | None, subject: str) -> None:
    """Import a PDF letter (.pdf) or a filled warning template (.csv or .xlsx).

    A letter's CVEs are resolved through the imported feeds; those no feed
    knows need a template row (see `warnings show`)."""
    if path.suffix.lower() != ".pdf":
        given = [option for option, value in (("--number", number), ("--deadline", deadline),
                 ("--issuing-body", issuing_body), ("--date", issued_on), ("--subject", subject)) if value]
        if given:
            raise click.UsageError(phrase("pdf_only_options", ctx.lang, options=", ".join(given)))
        _import_template(ctx, path, skip_bad_rows)
        return
    if skip_bad_rows:
        raise click.UsageError(phrase("skip_bad_rows_template_only", ctx.lang))
    now = dt.datetime.now(dt.timezone.utc)
    with ctx.transaction() as session:
        warning, summary = import_letter_pdf(session, path, number, deadline, issuing_body=issuing_body,
                                             issued_on=issued_on, subject=subject, now=now)
        found = resolution(session, warning)
        cves, deadline = list(warning.cves), warning.deadline
        lang = ctx.lang
        head = phrase("letter_head", lang, number=warning.number,
                      date=date_text(warning.issued_on) or phrase("undated", lang),
                      deadline=date_text(deadline) or phrase("no_deadline", lang),
                      subject=warning.subject or phrase("no_subject", lang))
    click.echo(head)
    templated = phrase("letter_templated", lang, count=len(found.templated)) if found.templated else ""
    unresolved = phrase("letter_unresolved", lang, cves=", ".join(found.unresolved)) if found.unresolved else ""
    click.echo(phrase("letter_cves", lang, cves=len(cves), resolved=len(found.resolved), templated=templated,
                      unresolved_count=len(found.unresolved), unresolved=unresolved,
                      opened=summary.findings.opened, closed=summary.findings.resolved))
    if deadline is None:
        click.echo(phrase("letter_no_deadline", lang), err=True)


def _import_template(ctx: Context, path: Path, skip_bad_rows: bool) -> None:
    result = parse_template(path)
    for problem in result.problems:
        click.echo(f"{path.name}: {problem.path}: {problem.reason}", err=True)
    if result.problems and not skip_bad_rows:
        raise Failure(phrase("template_errors", ctx.lang, count=len(result.problems)), ctx.lang)
    now = dt.datetime.now(dt.timezone.utc)
    with ctx.transaction() as session:
        summary = import_letters(session, str(path), result, now)
    click.echo(phrase("template_imported", ctx.lang, warnings=len(result.letters),
                      products=sum(len(a.affected) for a in result.advisories), rows=result.rows,
                      opened=summary.findings.opened, closed=summary.findings.resolved))


@warnings_group.command("template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "template_lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the header row.")
@click.option("--example", is_flag=True, help="Add one filled example row.")
@pass_context
@handle_errors
def warnings_template(ctx: Context, path: Path, template_lang: str, example: bool) -> None:
    """Write a blank template (.csv or .xlsx) to fill from a letter."""
    if path.exists():
        raise Failure(phrase("file_exists", ctx.lang, path=path), ctx.lang)
    write_template(path, template_lang, example)
    click.echo(phrase("wrote", ctx.lang, path=path))


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
    with ctx.reading() as session:
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
@click.option("--unit", "unit_names", multiple=True, metavar="NAME",
              help="Count hosts of this unit and the units under it only (repeatable).")
@output_options
@pass_context
@handle_errors
def warnings_show(ctx: Context, number: str, unit_names: tuple[str, ...], fmt: str) -> None:
    """One warning: which CVEs resolved to which products and fixes (and
    which did not), the template rows, and the hosts each still affects."""
    with ctx.reading() as session:
        facts, rows = warning_overview(session, number, units.selected(session, unit_names))
    if fmt == "json":
        click.echo(json.dumps({"warning": facts, "items": rows}, default=str, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        echo_rows(ctx, rows, fmt, OVERVIEW_COLUMNS)
        return
    lang = ctx.lang
    click.echo(f"{facts['number']}  {facts['subject']}")
    click.echo("  ".join(str(v) for v in (facts["issuing_body"], date_text(facts["issued_on"])) if v))
    click.echo(phrase("warning_deadline", lang, deadline=date_text(facts["deadline"]) or phrase("no_deadline", lang)))
    click.echo("CVE: " + (", ".join(facts["cves"]) or "-"))
    click.echo(phrase("warning_hosts", lang, hosts=facts["affected_hosts"]))
    click.echo()
    shown = [{**row, "status": phrase(row["status"], lang)} for row in rows]
    echo_rows(ctx, shown, fmt, OVERVIEW_COLUMNS)


COMMANDS = (warnings_group,)
