"""Server operation: ``serve``, ``rematch``, ``db upgrade``, ``enroll-secret``."""
from __future__ import annotations

import time

import click

from server.cli.context import Context, echo_rows, handle_errors, output_options, pass_context
from server.db import migrate
from server.db.models import utcnow
from server.inventory import enroll
from server.reports.i18n import phrase


def _rematch(ctx: Context, full: bool) -> str:
    """Re-match what the matching code or product rules changed (everything
    with ``full``) and say what it did."""
    from server.matching.rematch import rematch as rematch_changed

    started = time.perf_counter()
    with ctx.transaction() as session:
        result = rematch_changed(session, utcnow(), full=full)
    return phrase(f"rematch_{result.scope}", ctx.lang, opened=result.findings.opened,
                  resolved=result.findings.resolved, seconds=time.perf_counter() - started)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all).")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM).")
@click.option("--log-level", default="info", type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="API processes (PostgreSQL; SQLite runs one).")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="CIDR",
              help="A reverse proxy whose X-Forwarded-For is believed (repeatable).")
@pass_context
@handle_errors
def serve(ctx: Context, host: str, port: int, tls_cert: str | None, tls_key: str | None, log_level: str,
          workers: int, trusted_proxies: tuple[str, ...]) -> None:
    """Run the ingest API (migrates the database first)."""
    import uvicorn

    from server.api import client_address, create_app, processes
    from server.settings import Settings

    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError(phrase("tls_pair", ctx.lang))
    try:
        client_address.networks(trusted_proxies)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--trusted-proxy") from None
    settings = Settings(database_url=ctx.database_url, trusted_proxies=trusted_proxies)
    engine = ctx.engine  # migrates, once, before any worker starts
    # An upgrade that changed the matching code, or edited product rules, is
    # applied to the stored findings before the first report is taken; when
    # nothing changed this reads two rows.
    click.echo(_rematch(ctx, full=False), err=True)
    count = processes.worker_count(workers, engine.dialect.name)
    if count < workers:
        click.echo(phrase("sqlite_one_worker", ctx.lang, asked=workers), err=True)
    url = f"{'https' if tls_cert else 'http'}://{host}:{port}"
    # proxy_headers=False: the app alone decides whose X-Forwarded-For to believe.
    options = dict(host=host, port=port, ssl_certfile=tls_cert, ssl_keyfile=tls_key, log_level=log_level,
                   proxy_headers=False)
    if count == 1:
        app = create_app(settings, engine=engine)
        click.echo(phrase("serving", ctx.lang, url=url, db=ctx.safe_url), err=True)
        uvicorn.run(app, **options)
        return
    engine.dispose()  # each worker opens its own pool
    processes.export(settings)
    click.echo(phrase("serving_workers", ctx.lang, url=url, db=ctx.safe_url, workers=count), err=True)
    uvicorn.run(processes.FACTORY, factory=True, workers=count, **options)


@click.command()
@click.option("--full", is_flag=True, help="Re-match every host even if nothing recorded changed.")
@pass_context
@handle_errors
def rematch(ctx: Context, full: bool) -> None:
    """Re-match after an upgrade or a product-rule edit (serve also does it at start)."""
    click.echo(_rematch(ctx, full))


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_context
@handle_errors
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations (SQLite and PostgreSQL)."""
    from server.db.engine import make_engine

    engine = make_engine(ctx.database_url)
    migrate.upgrade(engine, revision)
    click.echo(phrase("schema_at", ctx.lang, db=ctx.safe_url, revision=migrate.current_revision(engine)))


@click.group("enroll-secret")
def enroll_secret() -> None:
    """Secrets collectors exchange for a node key."""


@enroll_secret.command("create")
@click.option("--unit", required=True, help="Unit (đơn vị) the enrolled hosts belong to.")
@pass_context
@handle_errors
def secret_create(ctx: Context, unit: str) -> None:
    """Create a secret for a unit; it is shown once."""
    with ctx.transaction() as session:
        new = enroll.create_secret(session, unit)
    click.echo(new.secret)
    click.echo(phrase("secret_created", ctx.lang, unit=new.unit, prefix=new.prefix), err=True)


@enroll_secret.command("list")
@output_options
@pass_context
@handle_errors
def secret_list(ctx: Context, fmt: str) -> None:
    """List secrets (prefixes only)."""
    with ctx.transaction() as session:
        rows = [
            {"prefix": s.prefix, "unit": s.unit.name, "created": s.created_at, "revoked": s.revoked_at}
            for s in enroll.list_secrets(session)
        ]
    echo_rows(ctx, rows, fmt, ["prefix", "unit", "created", "revoked"])


@enroll_secret.command("revoke")
@click.argument("prefix")
@pass_context
@handle_errors
def secret_revoke(ctx: Context, prefix: str) -> None:
    """Revoke a secret by the prefix `list` shows; enrolled hosts keep their keys."""
    with ctx.transaction() as session:
        row = enroll.revoke_secret(session, prefix)
        click.echo(phrase("secret_revoked", ctx.lang, prefix=row.prefix, unit=row.unit.name))


COMMANDS = (serve, rematch, db, enroll_secret)
