"""``patchgap-collect install-service`` / ``uninstall-service``: the collector
as a scheduled service of this OS (see :mod:`collector.service`). ``--dry-run``
prints every file and command instead; ``--os`` shows another OS's plan."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from collector import service
from collector.config import load_settings
from collector.errors import ConfigError
from collector.i18n import LANGUAGES, language, message
from collector.push import NODE_KEY_FILE
from collector.service.command import collector_command
from collector.service.plan import Plan, ServiceError, command_line, describe, execute

EXIT_FAILED, EXIT_USAGE = 1, 2

_os_option = click.option("--os", "system", type=click.Choice(service.SYSTEMS),
                          help="plan for this OS instead of the running one (with --dry-run)")
_dry_run_option = click.option("--dry-run", is_flag=True, help="print the files and commands; change nothing")
_lang_option = click.option("--lang", type=click.Choice(LANGUAGES),
                            help="language of messages [default: PATCHGAP_LANG, else the locale, else en]")


def _stop(text: str, code: int) -> NoReturn:
    click.echo(text, err=True)
    sys.exit(code)


def _system(requested: str | None, dry_run: bool, lang: str) -> str:
    here = service.this_system()
    if requested is None and here is None:
        _stop(message("service_unknown_os", lang, platform=sys.platform), EXIT_USAGE)
    if requested is not None and requested != here and not dry_run:
        _stop(message("service_other_os", lang, os=requested, here=here or sys.platform), EXIT_USAGE)
    return requested or here  # type: ignore[return-value]


def _check_config(path: str, lang: str) -> None:
    """The service reads only its config file: it must exist, name a server, and let the
    collector enroll (an enroll secret) unless this machine holds a node key already."""
    if not Path(path).is_file():
        _stop(message("service_no_config", lang, path=path), EXIT_USAGE)
    try:
        settings = load_settings({}, environ={}, config_path=path)
    except ConfigError as exc:
        _stop(message("service_bad_config", lang, error=exc), EXIT_USAGE)
    if not settings.server:
        _stop(message("service_config_no_server", lang, path=path), EXIT_USAGE)
    if not settings.enroll_secret and not (settings.state_dir / NODE_KEY_FILE).is_file():
        _stop(message("service_not_enrolled", lang, path=path, state_dir=settings.state_dir), EXIT_USAGE)


def _carry_out(plan: Plan, system: str, lang: str) -> None:
    missing = service.manager_missing(system)
    if missing:
        _stop(message("service_no_manager", lang, manager=missing), EXIT_FAILED)
    try:
        execute(plan, lang)
    except ServiceError as exc:
        _stop(str(exc), EXIT_FAILED)


@click.command("install-service")
@click.option("--config", "config_path", metavar="PATH",
              help="the config file the service reads [default: the system-wide one of the OS]")
@click.option("--python", metavar="PATH", help="the interpreter the service starts [default: this one]")
@_os_option
@_dry_run_option
@_lang_option
def install_service(config_path: str | None, python: str | None, system: str | None, dry_run: bool,
                    lang: str | None) -> None:
    """Run `once` daily and after boot as a system service (systemd timer, launchd daemon, scheduled task)."""
    lang = language(lang)
    system = _system(system, dry_run, lang)
    config = config_path or service.default_config(system)
    command = collector_command(config, python)
    plan = service.install_plan(system, command)
    if dry_run:
        click.echo(describe(plan, lang), nl=False)
        click.echo(message("service_dry_run", lang, os=system), err=True)
        return
    _check_config(config, lang)
    _carry_out(plan, system, lang)
    click.echo(message("service_installed", lang, name=plan.name, command=command_line(command, system)))


@click.command("uninstall-service")
@_os_option
@_dry_run_option
@_lang_option
def uninstall_service(system: str | None, dry_run: bool, lang: str | None) -> None:
    """Remove the service that install-service set up (the config, node key and spool stay)."""
    lang = language(lang)
    system = _system(system, dry_run, lang)
    plan = service.uninstall_plan(system)
    if dry_run:
        click.echo(describe(plan, lang), nl=False)
        click.echo(message("service_dry_run", lang, os=system), err=True)
        return
    if not any(Path(path).exists() for path in plan.files):
        click.echo(message("service_not_installed", lang, name=plan.name))
        return
    _carry_out(plan, system, lang)
    click.echo(message("service_uninstalled", lang, name=plan.name))


COMMANDS = (install_service, uninstall_service)
