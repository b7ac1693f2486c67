"""The ``patchgap`` console script.

The server's dependencies come with the ``server`` extra (``pip install
'patchgap[server]'``); a PC that installed the collector alone and runs
``patchgap`` is told how to add them instead of seeing a traceback.
"""
from __future__ import annotations

import sys

from collector.i18n import language

OUR_PACKAGES = ("server", "collector", "queries")


def _lang_flag(argv: list[str]) -> str | None:
    """The value of ``--lang`` on the command line, if any (click has not parsed it yet)."""
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def main() -> None:
    """Run the admin CLI, or say which extra to install when a server dependency is missing."""
    try:
        from server.cli import main as cli
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if not missing or missing in OUR_PACKAGES:
            raise  # our own code is broken: that deserves the traceback
        from server.reports.i18n import phrase

        lang = language(_lang_flag(sys.argv[1:]))
        print(phrase("server_extra_missing", lang, module=missing), file=sys.stderr)
        raise SystemExit(2) from None
    cli()
