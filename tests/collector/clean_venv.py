"""A clean virtual environment on this machine's Python, for tests that install
(or run) the collector with nothing else present, and what they compare against."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

# What `pip install .` needs to build the project; everything else stays behind.
SOURCES = ("collector", "queries", "server", "setup.cfg", "pyproject.toml", "README.md")


def make_venv(folder: Path, *, with_pip: bool = True) -> Path:
    """A fresh venv in ``folder`` (no system site-packages); returns its python."""
    venv.EnvBuilder(with_pip=with_pip, clear=True, symlinks=os.name != "nt").create(folder)
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(argv: list[str | Path], *, timeout: float = 600, **kwargs: object) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing of the test run's own venv may leak in.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=timeout, env=env, check=False, **kwargs
    )


def skip_unless_pip_reaches_an_index(python: Path, scratch: Path) -> None:
    """Skip (with pip's own words) when pip cannot fetch a package: offline machine."""
    probe = run([python, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", scratch, "setuptools"], timeout=300)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"pip cannot reach a package index: {last}")


def copy_project(dest: Path) -> Path:
    """The project's installable files, copied so a build never writes into the work tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for name in SOURCES:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)
    return dest


def installed_deb_names() -> set[str]:
    """Names of the Debian packages installed here, as dpkg itself lists them."""
    if shutil.which("dpkg-query") is None:
        pytest.skip("no dpkg-query: the native-source comparison needs a Debian-family machine")
    listing = subprocess.run(
        ["dpkg-query", "-W", "-f", "${db:Status-Status}\t${Package}\n"],
        capture_output=True, text=True, check=True,
    ).stdout
    return {name for status, name in (line.split("\t") for line in listing.splitlines()) if status == "installed"}


def assert_lists_this_machine(show_json: str) -> None:
    """``show --json`` output is this machine's inventory: every installed deb, nothing more."""
    report = json.loads(show_json)
    debs = {item["name"] for item in report["software"] if item["ecosystem"] == "deb"}
    assert report["collector"]["source"] == "native"
    assert debs == installed_deb_names()
    assert len(debs) > 50  # a real system, not an empty listing
