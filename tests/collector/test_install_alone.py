"""``pip install .`` without extras is the collector alone: a clean venv gets
only its dependencies, ``patchgap-collect show`` inventories this machine,
and ``patchgap`` says that the server is the ``server`` extra."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.collector.clean_venv import (
    assert_lists_this_machine, copy_project, make_venv, run, skip_unless_pip_reaches_an_index,
)

SERVER_ONLY = ("sqlalchemy", "fastapi", "uvicorn", "alembic", "openpyxl", "pypdf", "jsonschema", "pysequoia")


@pytest.fixture(scope="module")
def collector_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean venv holding ``pip install <project>`` (no extras); returns its bin dir."""
    root = tmp_path_factory.mktemp("collector-alone")
    python = make_venv(root / "venv")
    skip_unless_pip_reaches_an_index(python, root / "probe")
    project = copy_project(root / "project")
    installed = run([python, "-m", "pip", "install", "--quiet", project])
    assert installed.returncode == 0, installed.stderr[-3000:]
    return python.parent


def test_only_the_collector_dependencies_are_installed(collector_venv: Path) -> None:
    listed = run([collector_venv / "python", "-m", "pip", "list", "--format", "json"])
    names = {item["name"].lower() for item in json.loads(listed.stdout)}
    assert {"patchgap", "osquery", "thrift", "httpx", "click", "platformdirs"} <= names
    assert names & set(SERVER_ONLY) == set()
    # the query files ship with it, the triage ones included
    loaded = run([collector_venv / "python", "-c",
                  "from queries.loader import load_queries, load_triage_queries as t; print(len(load_queries()), len(t()))"])
    assert loaded.returncode == 0, loaded.stderr
    assert all(int(count) > 5 for count in loaded.stdout.split())


def test_show_lists_this_machine(collector_venv: Path, tmp_path: Path) -> None:
    shown = run([collector_venv / "patchgap-collect", "show", "--json", "--source", "native", "--state-dir", tmp_path])
    assert shown.returncode == 0, shown.stderr
    assert_lists_this_machine(shown.stdout)

    summary = run([collector_venv / "patchgap-collect", "show", "--state-dir", tmp_path])
    assert summary.returncode == 0, summary.stderr
    assert f"Host       {socket.gethostname()}" in summary.stdout
    assert "Software   " in summary.stdout and "NAME" in summary.stdout


def test_patchgap_names_the_server_extra(collector_venv: Path) -> None:
    answer = run([collector_venv / "patchgap", "--lang", "vi", "hosts"])
    assert answer.returncode == 2
    assert "pip install 'patchgap[server]'" in answer.stderr and "chưa cài máy chủ patchgap" in answer.stderr
    assert "Traceback" not in answer.stderr
