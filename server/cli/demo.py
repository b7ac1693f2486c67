"""``patchgap demo``: the whole path on this machine, with nothing to set up.

A fresh demo database, the bundled sample warnings, the API on a loopback
port, this machine collected by the real collector (``patchgap-collect
once``), then the weekly table and this host's gaps — or, when it has none,
exactly why each sample warning does not apply.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click
from sqlalchemy import select

from server.advisories.letters import import_letters
from server.api import create_app
from server.api.background import serving
from server.cli.context import Context, handle_errors
from server.db.models import Host, Warning
from server.feeds.warnings import parse_template
from server.inventory import enroll
from server.matching.explain import explain
from server.reports.i18n import date_text, phrase
from server.reports.render import render
from server.reports.weekly import Week, weekly
from server.settings import Settings, default_data_dir

DEMO_UNIT = "Demo"


def _step(text: str) -> None:
    click.secho(f"==> {text}", bold=True)


@click.command()
@click.option("--dir", "demo_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the demo database and collector state (default: <data dir>/demo).")
@click.option("--source", type=click.Choice(["auto", "osquery", "native"]), default="auto", show_default=True,
              help="How the collector inventories this machine.")
@click.pass_context
@handle_errors
def demo(click_ctx: click.Context, demo_dir: Path | None, source: str) -> None:
    """Run the whole path on this machine with the sample warnings."""
    demo_dir = demo_dir or default_data_dir() / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    database = demo_dir / "demo.sqlite3"
    # A fresh demo each run: database and the collector's enrollment with it.
    for stale in demo_dir.glob("demo.sqlite3*"):
        stale.unlink()
    shutil.rmtree(demo_dir / "collector", ignore_errors=True)
    ctx = Context(database_url=f"sqlite:///{database}", lang=click_ctx.obj.lang)
    _step(f"demo database: {database}")

    sample = resources.files("server.data") / "sample_warnings.csv"
    with resources.as_file(sample) as path:
        result = parse_template(path)
    with ctx.transaction() as session:
        import_letters(session, str(sample), result, _now())
        secret = enroll.create_secret(session, DEMO_UNIT).secret
    _step(f"imported {len(result.letters)} sample warnings ({sum(len(a.affected) for a in result.advisories)} product rows)")

    with serving(create_app(Settings(database_url=ctx.database_url), engine=ctx.engine)) as url:
        _step(f"API listening on {url} (for this demo only); collecting this machine")
        _collect(url, secret, demo_dir / "collector", source)

    _print_results(ctx)
    click.echo()
    click.echo("Next:")
    click.echo(f"  patchgap --db sqlite:///{database} hosts")
    click.echo(f"  patchgap --db sqlite:///{database} --lang vi report weekly")
    click.echo("  patchgap warnings template canh-bao.xlsx   # fill from a letter, then: patchgap warnings import canh-bao.xlsx")
    click.echo("  patchgap serve --host 0.0.0.0   # then on each PC: patchgap-collect once --server URL --enroll-secret S")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _collect(url: str, secret: str, state_dir: Path, source: str) -> None:
    command = [sys.executable, "-m", "collector", "once", "--server", url, "--enroll-secret", secret,
               "--unit", DEMO_UNIT, "--source", source, "--state-dir", str(state_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    for line in (done.stdout + done.stderr).strip().splitlines():
        click.echo(f"    {line}")
    if done.returncode != 0:
        raise click.ClickException(f"the collector failed (exit {done.returncode}); see its message above")


def _print_results(ctx: Context) -> None:
    today = _now().date()
    week = Week.ending(today)
    with ctx.transaction() as session:
        rows = weekly(session, week)
        host = session.scalars(select(Host).order_by(Host.id)).first()
        if host is None:
            raise click.ClickException("no host was recorded")
        from server import queries

        gaps = queries.gaps(session, _now(), host=host.uuid)
        numbers = list(session.scalars(select(Warning.number).order_by(Warning.id)))
        reasons = [e.as_row() for n in numbers for e in explain(session, host, n)]
    click.echo()
    click.echo(phrase("weekly_title", ctx.lang, start=date_text(week.start.date()), end=date_text(today)))
    click.echo(render(rows, "table", ctx.lang))
    click.echo()
    click.echo(phrase("gaps_of", ctx.lang, host=host.hostname))
    if gaps:
        columns = ["advisory", "severity", "item", "installed", "fixed", "deadline", "overdue"]
        click.echo(render(gaps, "table", ctx.lang, columns))
    else:
        click.echo(f"none: no sample warning applies to {host.hostname} ({host.os_name} {host.os_version}). Why, item by item:")
        click.echo(render(reasons, "table", ctx.lang, ["advisory", "item", "installed", "fixed", "verdict", "reason"]))


COMMANDS = (demo,)
