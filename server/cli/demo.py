"""``patchgap demo``: a small province and this machine, with nothing to set up.

A fresh demo database holds three weeks of a simulated province
(:mod:`server.demo`: units, about forty machines, three warning letters),
then this machine is collected live by the real collector (``patchgap-collect
once`` against the API on a loopback port). The week's report is printed
(summary and warnings) and written as HTML and XLSX beside the database.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shlex
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import click

from server.api import create_app
from server.api.background import serving
from server.cli.context import Context, Failure, handle_errors
from server.demo import Province, build_province
from server.inventory import enroll
from server.inventory.units import add_unit
from server.reports import formats, layout, period as periods
from server.reports.build import build
from server.reports.i18n import date_text, phrase
from server.reports.model import WeeklyReport
from server.settings import Settings, default_data_dir

DEMO_UNIT = "Máy chạy demo"
DATABASE = "demo.sqlite3"
FILES = ("html", "xlsx")
SHOWN_DEPTH = 2  # the terminal shows warnings down to communes; the files show every unit


def _step(text: str) -> None:
    click.secho(f"==> {text}", bold=True)


@click.command()
@click.option("--dir", "demo_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the demo database, reports and collector state (default: <data dir>/demo).")
@click.option("--source", type=click.Choice(["auto", "osquery", "native"]), default="auto", show_default=True,
              help="How the collector inventories this machine.")
@click.pass_context
@handle_errors
def demo(click_ctx: click.Context, demo_dir: Path | None, source: str) -> None:
    """Simulate a small province for three weeks, add this machine, write the week's report."""
    demo_dir = (demo_dir or default_data_dir() / "demo").absolute()
    database = demo_dir / DATABASE
    replaced = _fresh(demo_dir)
    ctx = Context(database_url=f"sqlite:///{database}", lang=click_ctx.obj.lang)
    lang = ctx.lang
    _step(phrase("demo_database", lang, path=database) + (phrase("demo_replaces", lang) if replaced else ""))

    now = _now()
    _step(phrase("demo_simulating", lang))
    with ctx.transaction() as session:
        province = build_province(session, now.date(), until=now)
        add_unit(session, DEMO_UNIT, province.root, code="DEMO")
        secret = enroll.create_secret(session, DEMO_UNIT).secret
    _step(_built(province, lang))

    with serving(create_app(Settings(database_url=ctx.database_url), engine=ctx.engine)) as url:
        _step(phrase("demo_api", lang, url=url, unit=DEMO_UNIT))
        _collect(url, secret, demo_dir / "collector", source, lang)

    period = periods.ending(now.date())
    with ctx.reading() as session:
        report = build(session, period, [], now=_now(), with_gaps=True)
    click.echo()
    click.echo(_overview(report, ctx.lang))
    _write_files(report, demo_dir, ctx.lang)
    _next(database, demo_dir, now.date(), province, lang)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _fresh(demo_dir: Path) -> bool:
    """Remove an earlier demo (database, reports, the collector's enrollment);
    whether there was one."""
    demo_dir.mkdir(parents=True, exist_ok=True)
    earlier = list(demo_dir.glob(f"{DATABASE}*")) + [demo_dir / f"report.{fmt}" for fmt in FILES]
    replaced = (demo_dir / DATABASE).exists()
    for stale in earlier:
        stale.unlink(missing_ok=True)
    shutil.rmtree(demo_dir / "collector", ignore_errors=True)
    return replaced


def _built(province: Province, lang: str) -> str:
    return phrase("demo_built", lang, root=province.root, units=len(province.units), hosts=len(province.hosts),
                  reports=province.reports, first=date_text(province.first_day), last=date_text(province.today),
                  warnings=", ".join(province.warnings))


def _collect(url: str, secret: str, state_dir: Path, source: str, lang: str) -> None:
    command = [sys.executable, "-m", "collector", "once", "--server", url, "--enroll-secret", secret,
               "--unit", DEMO_UNIT, "--source", source, "--state-dir", str(state_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    for line in (done.stdout + done.stderr).strip().splitlines():
        click.echo(f"    {line}")
    if done.returncode != 0:
        raise Failure(phrase("demo_collector_failed", lang, code=done.returncode), lang)


def _overview(report: WeeklyReport, lang: str) -> str:
    """Sections 1 and 2 of the text report, warnings down to the communes."""
    shown = dataclasses.replace(report, warnings=[
        dataclasses.replace(w, rows=[r for r in w.rows if r.depth <= SHOWN_DEPTH]) for w in report.warnings])
    text = formats.render(shown, "text", lang).decode("utf-8")
    third = layout.sections(shown, lang)[2].title
    return text.split(f"\n\n{third}\n", 1)[0]


def _write_files(report: WeeklyReport, demo_dir: Path, lang: str) -> None:
    click.echo()
    for fmt in FILES:
        path = demo_dir / f"report.{fmt}"
        if find_spec(f"server.reports.formats.{fmt}") is None:
            click.echo(phrase("demo_no_format", lang, name=path.name, fmt=fmt))
            continue
        path.write_bytes(formats.render(report, fmt, lang))
        click.echo(phrase("wrote", lang, path=path))
    click.echo("  " + phrase("demo_files_hold", lang))


def _patchgap() -> str:
    """The running patchgap as a command that works from any folder."""
    script = Path(sys.argv[0])
    if script.stem == "patchgap" and script.is_file():
        return shlex.quote(str(script.absolute()))
    return f"{shlex.quote(sys.executable)} -m server"


def _next(database: Path, demo_dir: Path, today: dt.date, province: Province, lang: str) -> None:
    pg = f"{_patchgap()} --db {shlex.quote(f'sqlite:///{database}')}"
    week = today.isoformat()
    commune = next((u for u in province.units if u.startswith("UBND xã")), province.root)
    click.echo()
    click.echo(phrase("demo_next", lang))
    for line in (
        f"{pg} --lang vi report weekly --week-ending {week} -o {shlex.quote(str(demo_dir / 'bao-cao.html'))}",
        f"{pg} report weekly --week-ending {week} --unit {shlex.quote(commune)}",
        f"{pg} gaps --overdue",
        f"{pg} unit list",
        f"{pg} hosts",
        f"{pg} warnings template canh-bao.xlsx   # " + phrase("demo_hint_template", lang),
        f"{pg} serve --host 0.0.0.0   # " + phrase("demo_hint_serve", lang),
    ):
        click.echo(f"  {line}")


COMMANDS = (demo,)
