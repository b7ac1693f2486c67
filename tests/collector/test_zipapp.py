"""The single-file collector: built by ``python -m collector.build_zipapp``, run
by a clean venv's python with nothing installed, it inventories this machine
natively and talks Thrift to osquery with its vendored pure-Python packages."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from collector.build_zipapp import NeedsCompiled, drop_compiled
from collector.cli import cli
from tests.collector.clean_venv import assert_lists_this_machine, make_venv, run, skip_unless_pip_reaches_an_index
from tests.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def pyz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zipapp")
    skip_unless_pip_reaches_an_index(Path(sys.executable), root / "probe")
    output = root / "patchgap-collect.pyz"
    built = run([sys.executable, "-m", "collector.build_zipapp", "-o", output, "--lang", "en"], cwd=PROJECT_ROOT)
    assert built.returncode == 0, built.stderr
    assert f"wrote {output}" in built.stdout and "osquery 3." in built.stdout
    assert "left out optional compiled parts" in built.stdout and "thrift/protocol/fastbinary" in built.stdout
    return output


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv without even pip: only the interpreter and its standard library."""
    return make_venv(tmp_path_factory.mktemp("bare") / "venv", with_pip=False)


def test_the_archive_holds_the_collector_and_pure_python_only(pyz: Path) -> None:
    names = zipfile.ZipFile(pyz).namelist()
    assert "__main__.py" in names and "collector/cli.py" in names and "queries/deb_packages.sql" in names
    assert any(n.startswith("queries/triage/") and n.endswith(".sql") for n in names)
    for package in ("osquery/", "thrift/", "httpx/", "click/", "platformdirs/"):
        assert any(n.startswith(package) for n in names), package
    assert not [n for n in names if n.startswith("server/") or n.endswith((".so", ".pyd", ".pyc"))]


def test_the_bare_venv_has_nothing_installed(bare_python: Path) -> None:
    probe = run([bare_python, "-c", "import click"], cwd=bare_python.parent)
    assert probe.returncode != 0 and "No module named 'click'" in probe.stderr


def test_show_lists_this_machine(pyz: Path, bare_python: Path, tmp_path: Path) -> None:
    shown = run([bare_python, pyz, "show", "--json", "--source", "native", "--state-dir", tmp_path], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert_lists_this_machine(shown.stdout)
    summary = run([bare_python, pyz, "show", "--state-dir", tmp_path], cwd=tmp_path)
    assert summary.returncode == 0 and summary.stdout.startswith("Host "), summary.stderr


def test_it_reads_osquery_as_the_installed_collector_does(pyz: Path, bare_python: Path, tmp_path: Path,
                                                           osquery_standin) -> None:  # noqa: ANN001
    socket_path = osquery_standin("windows")
    args = ["show", "--json", "--source", "osquery", "--osquery-socket", socket_path, "--state-dir", str(tmp_path)]
    from_zip = run([bare_python, pyz, *args], cwd=tmp_path)
    assert from_zip.returncode == 0, from_zip.stderr
    installed = CliRunner().invoke(cli, args)
    assert installed.exit_code == 0, installed.output
    zipped, expected = json.loads(from_zip.stdout), json.loads(installed.stdout)
    assert zipped["collector"]["source"] == "osquery" and zipped["software"]
    for key in ("host", "os", "software", "patches", "addresses"):
        assert zipped[key] == expected[key], key


def test_install_service_runs_the_archive(pyz: Path, bare_python: Path, tmp_path: Path) -> None:
    planned = run([bare_python, pyz, "install-service", "--os", "macos", "--dry-run", "--lang", "en"], cwd=tmp_path)
    assert planned.returncode == 0, planned.stderr
    assert f"<string>{bare_python}</string>\n\t\t<string>{pyz}</string>\n\t\t<string>once</string>" in planned.stdout


def test_a_required_compiled_part_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "thrift" / "protocol").mkdir(parents=True)
    (tmp_path / "thrift" / "protocol" / "fastbinary.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    assert drop_compiled(tmp_path) == ["thrift/protocol/fastbinary.cpython-311-x86_64-linux-gnu.so"]
    (tmp_path / "pydantic_core").mkdir()
    (tmp_path / "pydantic_core" / "_pydantic_core.so").write_bytes(b"\x7fELF")
    with pytest.raises(NeedsCompiled, match="pydantic_core/_pydantic_core.so"):
        drop_compiled(tmp_path)
    assert (tmp_path / "pydantic_core" / "_pydantic_core.so").exists()


def test_the_build_reports_an_unreachable_index_in_the_users_language(tmp_path: Path) -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "collector.build_zipapp", "-o", str(tmp_path / "x.pyz"), "--lang", "vi"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={"PATH": "/usr/bin:/bin", "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_NO_INDEX": "1",
             "PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": "/dev/null", "PIP_RETRIES": "0", "HOME": str(tmp_path)},
    )
    assert env_run.returncode == 1
    assert "pip không tải được các gói phụ thuộc" in env_run.stderr and not (tmp_path / "x.pyz").exists()
