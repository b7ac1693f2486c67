"""Build the single-file collector: ``python -m collector.build_zipapp -o patchgap-collect.pyz``.

The archive holds ``collector/``, ``queries/`` and the collector's own
dependencies (``install_requires``: osquery-python with thrift and future,
httpx with its pure-Python dependencies, click, platformdirs), put in place
by ``pip install --target``, and runs with nothing installed:
``python patchgap-collect.pyz show``. pip picks the dependencies for the
Python that builds it; a newer Python runs the archive too, an older one may
lack a backport (anyio needs exceptiongroup before 3.11).

A zip can only hold pure Python. thrift's wheel carries one compiled part,
``fastbinary``, an optional accelerator: it is left out and thrift uses its
pure-Python protocol. Dependencies are chosen for the platform that builds
the archive, so pywin32 (compiled, needed by osquery-python for Windows'
named pipe) is never inside: on Windows, PCs with only osqueryd report
through osquery's own TLS API instead, or install the collector with pip.
"""
from __future__ import annotations

import argparse
import configparser
import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
import zipapp
from pathlib import Path

import collector
import queries
from collector.i18n import LANGUAGES, language, message

COMPILED = ("*.so", "*.pyd", "*.dylib", "*.dll")
# Compiled modules whose package works without them; any other one stops the build.
OPTIONAL_COMPILED = ("thrift/protocol/fastbinary",)
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")
PROJECT = Path(collector.__file__).resolve().parent.parent


def collector_requirements() -> list[str]:
    """``install_requires`` of the project: from setup.cfg in a source tree, else the installed metadata."""
    setup_cfg = PROJECT / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(setup_cfg, encoding="utf-8")
        lines = parser["options"]["install_requires"].splitlines()
        return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    return [r for r in importlib.metadata.requires("patchgap") or [] if "extra ==" not in r]


def vendor(requirements: list[str], target: Path) -> None:
    """pip install ``requirements`` into ``target`` (no scripts or bytecode kept)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
         "--target", str(target), *requirements],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError((done.stderr.strip() or done.stdout.strip()).splitlines()[-1])
    shutil.rmtree(target / "bin", ignore_errors=True)


class NeedsCompiled(Exception):
    """A dependency cannot work without compiled parts, which a zip cannot load."""


def drop_compiled(root: Path) -> list[str]:
    """Remove the optional compiled modules (a zip cannot load them); their paths, relative to ``root``.
    Raises NeedsCompiled for any other compiled file: that dependency needs a pure-Python replacement."""
    found = sorted(path.relative_to(root).as_posix() for pattern in COMPILED for path in root.rglob(pattern))
    required = [name for name in found if name.split(".")[0] not in OPTIONAL_COMPILED]
    if required:
        raise NeedsCompiled(", ".join(required))
    for name in found:
        (root / name).unlink()
    return found


def build(output: Path, interpreter: str | None = "/usr/bin/env python3") -> tuple[list[str], list[str]]:
    """Write the archive to ``output``; returns (vendored distributions, compiled files left out)."""
    with tempfile.TemporaryDirectory(prefix="patchgap-zipapp-") as scratch:
        staging = Path(scratch) / "app"
        vendor(collector_requirements(), staging)
        for package in (collector, queries):
            source = Path(package.__file__).resolve().parent
            shutil.copytree(source, staging / source.name, ignore=SKIPPED)
        for cache in list(staging.rglob("__pycache__")):
            shutil.rmtree(cache)
        left_out = drop_compiled(staging)
        vendored = sorted(" ".join(p.name.removesuffix(".dist-info").split("-")[:2])
                          for p in staging.glob("*.dist-info"))
        output.parent.mkdir(parents=True, exist_ok=True)
        zipapp.create_archive(staging, output, interpreter=interpreter, main="collector.cli:main", compressed=True)
    return vendored, left_out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m collector.build_zipapp",
                                     description="Build the single-file collector (a zipapp).")
    parser.add_argument("-o", "--output", type=Path, default=Path("patchgap-collect.pyz"))
    parser.add_argument("--python", default="/usr/bin/env python3",
                        help="the interpreter line written at the top (POSIX); the archive also runs as `python FILE`")
    parser.add_argument("--lang", choices=LANGUAGES)
    args = parser.parse_args(argv)
    lang = language(args.lang)
    try:
        vendored, left_out = build(args.output, args.python)
    except RuntimeError as exc:
        print(message("zipapp_pip_failed", lang, error=exc), file=sys.stderr)
        raise SystemExit(1) from None
    except NeedsCompiled as exc:
        print(message("zipapp_needs_compiled", lang, files=exc), file=sys.stderr)
        raise SystemExit(1) from None
    except OSError as exc:
        print(message("zipapp_write_failed", lang, path=args.output, error=exc.strerror or exc), file=sys.stderr)
        raise SystemExit(1) from None
    size = args.output.stat().st_size
    print(message("zipapp_built", lang, path=args.output, kib=size // 1024, packages=", ".join(vendored)))
    if left_out:
        print(message("zipapp_left_out", lang, files=", ".join(left_out)))


if __name__ == "__main__":
    main()
