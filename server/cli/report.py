"""``report weekly``: the meeting report in every format people use."""
from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click

from server.cli.context import Context, handle_errors, pass_context
from server.db.engine import make_reader, make_sessionmaker
from server.reports import formats, period as periods, weeks
from server.reports.build import TREND_WEEKS, build, gap_list
from server.reports.i18n import phrase


@click.group()
def report() -> None:
    """Reports for meetings."""


@report.command("weekly")
@click.option("--week", "iso_week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W48.")
@click.option("--week-ending", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
              help="The seven days ending on this date (default: the last complete week, Monday to Sunday).")
@click.option("--unit", "unit_names", multiple=True, metavar="NAME",
              help="This unit and everything under it (repeatable; default: all units).")
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS),
              help="Output format (default: from the -o suffix, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--stale-days", default=7, show_default=True, type=click.IntRange(1, 3650),
              help="A host is silent after this many days without a report.")
@click.option("--lang", type=click.Choice(["en", "vi"]), help="Language of this report (default: the global --lang).")
@pass_context
@handle_errors
def report_weekly(ctx: Context, iso_week: str | None, week_ending: dt.datetime | None, unit_names: tuple[str, ...],
                  fmt: str | None, output: Path | None, stale_days: int, lang: str | None) -> None:
    """Summary, national warnings (handled / total), units, hosts needing action,
    new and resolved, silent and end-of-life hosts, 12-week trend."""
    if iso_week and week_ending:
        raise click.UsageError(phrase("week_or_week_ending", ctx.lang))
    lang = lang or ctx.lang
    fmt = formats.format_for(output, fmt)
    if iso_week:
        period = periods.iso_week(iso_week)
    elif week_ending:
        period = periods.ending(week_ending.date())
    else:
        period = periods.last_complete(dt.datetime.now(dt.timezone.utc).date())
    # Ended weeks are counted once and kept: later reports read their figures.
    weeks.keep_ended(make_reader(ctx.engine), make_sessionmaker(ctx.engine), weeks.needed(period, TREND_WEEKS),
                     dt.datetime.now(dt.timezone.utc))
    if output is None and fmt == "xlsx":
        raise click.UsageError(phrase("xlsx_needs_file", lang))
    streamed = fmt in formats.STREAMED
    with ctx.reading() as session, _destination(output) as out:
        data = build(session, period, list(unit_names), stale_days, **formats.limits(fmt, streamed))  # type: ignore[arg-type]
        # CSV and JSON take their gap list as it is read, inside the same snapshot.
        formats.write(data, fmt, lang, out, gap_list(session, period, list(unit_names)) if streamed else None)
    if output is not None:
        click.echo(phrase("report_written", lang, path=output, fmt=fmt), err=True)


@contextmanager
def _destination(output: Path | None) -> Iterator[BinaryIO]:
    """Standard output, or ``output`` written whole or not at all: a report
    that fails half-way leaves the previous file as it was."""
    if output is None:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as out:
            yield out
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


COMMANDS = (report,)
