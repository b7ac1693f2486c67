"""``patchgap-collect``: inventory this PC and send the report (``show``, ``once``, ``run``).

A thin layer: each command loads settings, calls the library, renders.
Expected failures (:class:`CollectorError`) become one line on stderr and an
exit code, never a traceback: 0 sent (``show``: printed); 1 refused by the
server, or no inventory source could run; 2 bad configuration or usage;
75 (EX_TEMPFAIL) server unreachable, report spooled.
"""
from __future__ import annotations

import functools
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import click

from collector import __version__, delta, triage, wire
from collector.config import Settings, load_settings
from collector.errors import CollectorError, ConfigError, ServerRejected
from collector.i18n import LANGUAGES, language, text, use
from collector.inventory import build_report
from collector.push import Pusher, encode_report
from collector.service_cli import COMMANDS as SERVICE_COMMANDS
from collector.sources import CHOICES, collect, pick_source
from collector.spool import Delivery, Spool, deliver

EXIT_OK, EXIT_REJECTED, EXIT_CONFIG, EXIT_TEMPFAIL = 0, 1, 2, 75
log = logging.getLogger("collector")


class _Exit(click.ClickException):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code


class _EchoHandler(logging.Handler):
    """Log lines to the current stderr (click swaps it under CliRunner)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _setup_logging(verbose: int) -> None:
    log.handlers = [h for h in log.handlers if not isinstance(h, _EchoHandler)]  # one per invocation
    handler = _EchoHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command shares; turns them into :class:`Settings`."""
    options = [
        click.option("--server", metavar="URL", help="patchgap server, e.g. https://patchgap.example.org"),
        click.option("--enroll-secret", metavar="S", help="enroll secret (first run, or when the node key is revoked)"),
        click.option("--unit", metavar="NAME", help="expected unit (the enroll secret decides; a mismatch is logged)"),
        click.option("--source", type=click.Choice(CHOICES), help="inventory source [default: auto]"),
        click.option("--osquery-socket", metavar="PATH", help="osqueryd extensions socket"),
        click.option("--spool-dir", metavar="DIR", help="where unsent reports wait [default: STATE_DIR/spool]"),
        click.option("--state-dir", metavar="DIR", help="node key and spool location"),
        click.option("--config", "config_path", metavar="PATH", help="INI file with a [collector] section"),
        click.option("--ca-cert", metavar="PATH", help="extra CA certificate file to trust"),
        click.option("--insecure", is_flag=True, default=None, help="do not verify the server's TLS certificate"),
        click.option("-v", "--verbose", count=True, help="more logging (-vv for debug)"),
        click.option("--lang", type=click.Choice(LANGUAGES),
                     help="language of messages [default: PATCHGAP_LANG, else the locale, else en]"),
    ]

    @functools.wraps(func)
    def wrapper(config_path: str | None, verbose: int, lang: str | None, **flags: Any) -> None:
        _setup_logging(verbose)
        use(language(lang))  # errors and log lines of the library speak it too
        extra = {k: flags.pop(k) for k in list(flags) if k not in Settings.__dataclass_fields__}
        try:
            settings = load_settings(flags, config_path=config_path)
            func(settings, **extra)
        except ConfigError as exc:
            raise _Exit(str(exc), EXIT_CONFIG) from None
        except CollectorError as exc:
            raise _Exit(str(exc), EXIT_REJECTED) from None
        except OSError as exc:  # state or spool dir not writable, disk full...
            raise _Exit(text("file_error", path=exc.filename or "", error=exc.strerror or exc), EXIT_REJECTED) from None
        finally:
            use(None)  # the next command in this process chooses again

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _report(settings: Settings) -> wire.Report:
    source = pick_source(settings.source, socket_path=settings.osquery_socket or None, state_dir=settings.state_dir)
    snapshot, answered = collect(source)
    return build_report(snapshot, answered)


def _send(settings: Settings, report: wire.Report) -> Delivery:
    """Deliver ``report``: as a delta on the last report the server accepted
    when there is one and nothing older waits in the spool, else in full."""
    spool = Spool(settings.spool_dir)
    last = None if spool.pending() else delta.load(settings.state_dir, settings.server)
    changes = delta.make_delta(last, report) if last is not None else None
    with Pusher(
        settings.server, state_dir=settings.state_dir, host=report.host, enroll_secret=settings.enroll_secret,
        unit=settings.unit, ca_cert=settings.ca_cert, insecure=settings.insecure,
    ) as pusher:

        def send_current(full_body: bytes) -> wire.ReportAccepted:
            if changes is not None:
                try:
                    return pusher.send_delta(encode_report(changes))
                except ServerRejected as exc:  # 409: another base; 404: a server without deltas
                    log.info("%s", text("delta_refused", error=exc))
            return pusher.send_body(full_body)

        result = deliver(spool, pusher.send_body, encode_report(report), prepare=pusher.node_key,
                         send_current=send_current)
    if isinstance(result.accepted, wire.ReportAccepted):
        if result.accepted.report_id:
            delta.save(settings.state_dir, settings.server, result.accepted.report_id, report)
        else:  # the server kept nothing of it (older than its newest): the next report goes in full
            delta.forget(settings.state_dir)
    return result


def _once(settings: Settings) -> int:
    """Collect, deliver, say what happened; returns the exit code."""
    if not settings.server:
        raise ConfigError.of("config_no_server")
    report = _report(settings)
    result = _send(settings, report)
    if result.flushed:
        log.info("%s", text("spool_flushed", count=result.flushed))
    for path in result.rejected:
        log.warning("%s", text("spool_set_aside", path=path))
    if result.outcome == "spooled":
        click.echo(text("report_spooled", error=result.message, path=result.path), err=True)
        return EXIT_TEMPFAIL
    if result.outcome == "rejected":
        lost_key = "(401)" in result.message and not settings.enroll_secret
        click.echo(text("report_kept_enroll" if lost_key else "report_kept", error=result.message, path=result.path),
                   err=True)
        return EXIT_REJECTED
    accepted = result.accepted
    if isinstance(accepted, wire.ReportAccepted):
        click.echo(text("report_sent_findings", server=settings.server, software=len(report.software),
                        findings=accepted.findings_open))
    else:
        click.echo(text("report_sent", server=settings.server, software=len(report.software)))
    if isinstance(accepted, wire.ReportAccepted) and accepted.triage_requested:
        outcome = triage.deliver(settings, report)  # never fails the delivered report
        click.echo(outcome.message, err=not outcome.sent)
    return EXIT_OK


def _summary(report: wire.Report, limit: int) -> str:
    os_ = report.os
    labels = ", ".join(filter(None, [os_.platform, os_.codename]))
    counts: dict[str, int] = {}
    for row in report.software:
        counts[row.ecosystem] = counts.get(row.ecosystem, 0) + 1
    none = text("summary_none")
    fields = [
        ("summary_host", text("summary_host_line", hostname=report.host.hostname, uuid=report.host.uuid)),
        ("summary_os", text("summary_os_line", name=os_.name, version=os_.version, labels=labels, arch=os_.arch,
                            kernel=os_.kernel_version or "-")),
        ("summary_source", text("summary_source_line", source=report.collector.source,
                                version=report.collector.version)),
        ("summary_software",
         f"{len(report.software)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or none})"),
        ("summary_patches", str(len(report.patches))),
        ("summary_addresses", ", ".join(f"{a.address} ({a.interface})" for a in report.addresses) or none),
    ]
    labelled = [(text(key), value) for key, value in fields]
    width = max(len(label) for label, _ in labelled) + 2  # labels aligned, two spaces after the longest
    lines = [f"{label.ljust(width)}{value}" for label, value in labelled]
    shown = report.software[:limit]
    if shown:
        header = tuple(text(key) for key in ("summary_name", "summary_version", "summary_arch",
                                             "summary_source_package"))
        table = [header] + [(s.name, s.version, s.arch, s.source_package) for s in shown]
        widths = [max(len(row[i]) for row in table) for i in range(3)]
        lines.append("")
        lines += ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[3]]).rstrip() for row in table]
        if len(report.software) > limit:
            lines.append(text("summary_more", count=len(report.software) - limit))
    return "\n".join(lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="patchgap-collect")
def cli() -> None:
    """Inventory this PC (software, OS, hotfixes, addresses) for the patchgap server."""


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print the full report as JSON")
@click.option("--limit", default=20, show_default=True, help="software rows in the summary")
@_options
def show(settings: Settings, as_json: bool, limit: int) -> None:
    """Print the report this PC would send, without sending it."""
    report = _report(settings)
    click.echo(json.dumps(wire.to_dict(report), indent=2, ensure_ascii=False) if as_json else _summary(report, limit))


@cli.command()
@_options
def once(settings: Settings) -> None:
    """Enroll if needed, send spooled reports, then this one, and exit."""
    raise SystemExit(_once(settings))


@cli.command()
@click.option("--interval", type=float, help="seconds between reports, ±10% jitter [default: 3600]")
@click.option("--max-runs", type=click.IntRange(min=1), help="stop after this many reports")
@_options
def run(settings: Settings, max_runs: int | None) -> None:
    """Send a report every --interval seconds until interrupted."""
    runs = 0
    try:
        while True:
            try:
                _once(settings)
            except ConfigError:
                raise
            except CollectorError as exc:
                log.error("%s", exc)
            except Exception:  # a service keeps going; the next run may work
                log.exception("%s", text("run_unexpected_error"))
            runs += 1
            if max_runs and runs >= max_runs:
                break
            # jitter: a building of PCs booted together should not report together
            time.sleep(settings.interval * random.uniform(0.9, 1.1))
    except KeyboardInterrupt:
        click.echo(text("run_stopped"), err=True)


for _command in SERVICE_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console script entry point."""
    cli(prog_name="patchgap-collect")
