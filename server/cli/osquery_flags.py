"""``patchgap osquery flags``: the files a PC with only osqueryd needs to
report here through osquery's TLS API, and the command that installs them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import click

from server.cli.context import Context, handle_errors, pass_context
from server.errors import InvalidInput
from server.inventory import enroll
from server.osquery_remote import flags as osquery_flags
from server.reports.i18n import phrase


@click.group("osquery")
def osquery() -> None:
    """PCs with only osqueryd, reporting through osquery's own TLS API."""


@osquery.command("flags")
@click.option("--server", required=True, metavar="URL", help="This server as the PCs reach it: https://HOST[:PORT].")
@click.option("--unit", required=True, metavar="NAME",
              help="Unit (đơn vị) the PCs enroll into: a new secret for it.")
@click.option("--os", "os_name", type=click.Choice(sorted(osquery_flags.LAYOUTS)), default="windows",
              show_default=True, help="Where the official osquery package of this OS keeps its files.")
@click.option("--ca-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The certificate osqueryd pins the server to (--tls_server_certs): the server's own, or its CA's.")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write osquery.flags and enroll_secret.txt into.")
@pass_context
@handle_errors
def flags(ctx: Context, server: str, unit: str, os_name: str, ca_cert: Path | None, folder: Path) -> None:
    """Write osquery.flags and the enroll-secret file for one unit's PCs, and print how to install them."""
    text = osquery_flags.flags(server, os_name, ca_cert is not None)  # checks the URL before a secret is made
    targets = [folder / osquery_flags.FLAGS_FILE, folder / osquery_flags.SECRET_FILE]
    if ca_cert is not None:
        targets.append(folder / osquery_flags.CERT_FILE)
    existing = [str(path) for path in targets if path.exists()]
    if existing:
        raise InvalidInput.of("osquery_flags_exist", paths=", ".join(existing))
    folder.mkdir(parents=True, exist_ok=True)
    with ctx.transaction() as session:
        new = enroll.create_secret(session, unit)
    secret_path = folder / osquery_flags.SECRET_FILE
    # Owner-only from the first byte: the secret enrolls PCs into the unit.
    descriptor = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(new.secret)
    (folder / osquery_flags.FLAGS_FILE).write_text(text, encoding="utf-8", newline="\r\n" if os_name == "windows"
                                                   else "\n")
    if ca_cert is not None:
        shutil.copyfile(ca_cert, folder / osquery_flags.CERT_FILE)
    click.echo(phrase("osquery_flags_written", ctx.lang, folder=folder, unit=new.unit, prefix=new.prefix,
                      files=", ".join(path.name for path in targets)))
    click.echo(phrase(f"osquery_flags_install_{os_name}", ctx.lang))
    click.echo(osquery_flags.install_command(os_name, ca_cert is not None))


COMMANDS = (osquery,)
