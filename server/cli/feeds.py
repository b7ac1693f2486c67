"""Advisory feeds: ``feeds add|list|sync|import``."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from server.advisories import feedsync, files
from server.advisories.importer import ImportSummary
from server.cli.context import Context, Failure, echo_rows, handle_errors, output_options, pass_context
from server.feeds.registry import KINDS
from server.reports.i18n import phrase
from server.settings import default_data_dir

SHOWN_PROBLEMS = 50


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _progress(done: int, total: int | None) -> None:
    """Documents done / total on stderr, on one line, for long imports."""
    if sys.stderr.isatty() and (done % 25 == 0 or done == total):
        click.echo(f"\r  {done}/{total if total is not None else '?'}", err=True, nl=done == total)


def _counts(summary: ImportSummary, lang: str) -> str:
    statuses = ", ".join(f"{n} {phrase('status_' + status, lang)}" for status, n in sorted(summary.statuses.items()))
    unchanged = (phrase("feed_unchanged", lang, count=summary.unchanged_documents)
                 if summary.unchanged_documents else "")
    return phrase("feed_counts", lang, documents=summary.documents, unchanged=unchanged,
                  statuses=statuses or phrase("none_stored", lang), skipped=summary.skipped)


def _report(summary: ImportSummary, verbose: bool, lang: str) -> None:
    problems = summary.problems if verbose else [p for p in summary.problems if p.fatal]
    shown = problems if verbose else problems[:SHOWN_PROBLEMS]
    for problem in shown:
        where = phrase("at_path", lang, path=problem.path) if problem.path else ""
        tag = phrase("skipped" if problem.fatal else "warning_tag", lang)
        # The reason is the parser's own diagnostic (file, JSON path, schema rule): kept as it is.
        click.echo(f"{tag}: {problem.file}{where}: {problem.reason}", err=True)
    if len(problems) > len(shown):
        click.echo(phrase("more_problems", lang, count=len(problems) - len(shown)), err=True)
    if len(summary.by_kind) > 1:
        for kind, part in sorted(summary.by_kind.items()):
            click.echo(f"  {kind}: {_counts(part, lang)}")
    warnings = sum(1 for p in summary.problems if not p.fatal)
    click.echo(phrase("feed_result", lang, counts=_counts(summary, lang), warnings=warnings,
                      opened=summary.findings.opened, closed=summary.findings.resolved))


@click.group("feeds")
def feeds_group() -> None:
    """Advisory feeds: CSAF 2.0 providers, OSV, CISA KEV, NVD, MSRC."""


@feeds_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="What the feed publishes.")
@click.option("--url", help="Provider URL (CSAF: provider-metadata.json or its domain) or file URL.")
@click.option("--path", "path", type=click.Path(exists=True, path_type=Path), help="Local mirror folder or file.")
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False), help="CSAF: provider's OpenPGP key.")
@click.option("--schema-dir", type=click.Path(exists=True, file_okay=False), help="Folder of JSON schemas to check against.")
@click.option("--strict", is_flag=True, help="Skip documents that fail schema validation.")
@pass_context
@handle_errors
def feeds_add(ctx: Context, name: str, kind: str, url: str | None, path: Path | None, public_key: str | None,
              schema_dir: str | None, strict: bool) -> None:
    """Configure a feed to sync."""
    if bool(url) == bool(path):
        raise click.UsageError(phrase("url_or_path", ctx.lang))
    if strict and schema_dir is None:
        raise click.UsageError(phrase("strict_needs_schemas", ctx.lang))
    options = {k: v for k, v in (("public_key", public_key and str(Path(public_key).resolve())),
                                 ("schema_dir", schema_dir and str(Path(schema_dir).resolve())),
                                 ("strict", "1" if strict else "")) if v}
    location = url or str(path.resolve())  # type: ignore[union-attr]
    with ctx.transaction() as session:
        feedsync.add_feed(session, name, kind, location, options)
    click.echo(phrase("feed_added", ctx.lang, kind=kind, name=name, location=location))


@feeds_group.command("list")
@output_options
@pass_context
@handle_errors
def feeds_list(ctx: Context, fmt: str) -> None:
    """Configured feeds: last sync, status, counts, last error."""
    with ctx.reading() as session:
        rows = [
            {"name": f.name, "kind": f.kind, "location": f.location, "last_sync": f.last_sync_at,
             "status": f.last_status, "documents": f.documents, "advisories": f.advisories,
             "last_error": f.last_error}
            for f in feedsync.list_feeds(session)
        ]
    echo_rows(ctx, rows, fmt)


@feeds_group.command("sync")
@click.argument("name", required=False)
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PATCHGAP_FEED_CACHE",
              help="Where downloaded documents are kept (default: feeds/ in the user data dir).")
@click.option("-v", "--verbose", is_flag=True, help="Also print warnings.")
@pass_context
@handle_errors
def feeds_sync(ctx: Context, name: str | None, cache_dir: Path | None, verbose: bool) -> None:
    """Sync one feed, or all. A failed sync keeps the last good data."""
    cache_root = cache_dir or default_data_dir() / "feeds"
    with ctx.reading() as session:
        names = [feedsync.get_feed(session, name).name] if name else [f.name for f in feedsync.list_feeds(session)]
    failed = 0
    for feed_name in names:
        click.echo(f"{feed_name}:")
        outcome = feedsync.sync(ctx.transaction, feed_name, cache_root, _now(), _progress, reading=ctx.reading)
        if outcome.summary is None:
            failed += 1
            click.echo("  " + phrase("sync_failed", ctx.lang, error=outcome.error), err=True)
        else:
            _report(outcome.summary, verbose, ctx.lang)
    if failed:
        raise Failure(phrase("feeds_failed", ctx.lang, failed=failed, total=len(names)), ctx.lang)


@feeds_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), help="Kind of every path (default: recognised per file).")
@click.option("--schema-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of JSON schemas (csaf-2.0/, osv/) to check documents against.")
@click.option("--strict", is_flag=True, help="Skip documents that fail schema validation.")
@click.option("-v", "--verbose", is_flag=True, help="Also print warnings.")
@pass_context
@handle_errors
def feeds_import(ctx: Context, paths: tuple[Path, ...], kind: str | None, schema_dir: Path | None, strict: bool,
                 verbose: bool) -> None:
    """Import files, folders or archives copied in by hand (air-gapped sites)."""
    if strict and schema_dir is None:
        raise click.UsageError(phrase("strict_needs_schemas", ctx.lang))
    options = files.FeedOptions(schema_dir, strict)
    with ctx.transaction() as session:
        summary = files.import_paths(session, list(paths), kind, _now(), options, _progress)
    _report(summary, verbose, ctx.lang)


COMMANDS = (feeds_group,)
