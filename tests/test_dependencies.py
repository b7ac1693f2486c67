"""What each part may import: the collector runs on PCs with ``pip install .``
alone, the server needs the ``server`` extra, tests and benchmarks the ``test``
extra. Every third-party import is checked against setup.cfg, and importing
the whole collector must load nothing of the server."""
from __future__ import annotations

import ast
import configparser
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import PROJECT_ROOT

OURS = {"collector", "server", "queries", "tests", "bench"}


def _setup_cfg() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PROJECT_ROOT / "setup.cfg", encoding="utf-8")
    return parser


def _names(lines: str) -> set[str]:
    """Distribution names of requirement lines; ``patchgap[x]`` stands for extra x."""
    names: set[str] = set()
    for line in lines.strip().splitlines():
        if line.strip() and not line.strip().startswith("#"):
            requirement = Requirement(line.strip())
            if requirement.name == "patchgap":
                for extra in requirement.extras:
                    names |= EXTRAS[extra]
            else:
                names.add(canonicalize_name(requirement.name))
    return names


CFG = _setup_cfg()
EXTRAS: dict[str, set[str]] = {}
for _extra in ("server", "postgres", "test"):  # in this order: test refers to the other two
    EXTRAS[_extra] = _names(CFG["options.extras_require"][_extra])
BASE = _names(CFG["options"]["install_requires"])


def third_party_imports(folder: Path) -> dict[str, list[str]]:
    """Top-level modules imported anywhere under ``folder`` (lazy imports too) that
    are neither the standard library nor ours -> the files importing them."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OURS:
                    found.setdefault(top, []).append(str(path.relative_to(PROJECT_ROOT)))
    return found


def distributions_of(module: str) -> set[str]:
    return {canonicalize_name(name) for name in importlib.metadata.packages_distributions().get(module, [])}


def undeclared(folders: list[str], allowed: set[str]) -> dict[str, list[str]]:
    """Imports under ``folders`` whose distribution is not among ``allowed``."""
    bad: dict[str, list[str]] = {}
    for folder in folders:
        for module, files in third_party_imports(PROJECT_ROOT / folder).items():
            if not distributions_of(module) & allowed:
                bad[module] = sorted(set(files))[:3]
    return bad


def test_the_requirement_lists_are_read() -> None:
    assert {"osquery", "httpx", "click"} <= BASE
    assert {"sqlalchemy", "fastapi", "alembic"} <= EXTRAS["server"]
    assert EXTRAS["server"] | EXTRAS["postgres"] <= EXTRAS["test"]
    assert not BASE & {"sqlalchemy", "fastapi", "uvicorn", "alembic", "openpyxl", "pypdf", "jsonschema", "pysequoia"}


def test_the_collector_imports_only_what_pip_install_dot_brings() -> None:
    found = third_party_imports(PROJECT_ROOT / "collector")
    assert {"osquery", "thrift", "httpx", "click", "platformdirs"} <= set(found)  # the scan sees them
    assert undeclared(["collector", "queries"], BASE) == {}


def test_the_server_imports_only_what_the_server_extra_brings() -> None:
    assert undeclared(["server"], BASE | EXTRAS["server"]) == {}


def test_tests_and_benchmarks_import_only_what_the_test_extra_brings() -> None:
    assert undeclared(["tests", "bench"], BASE | EXTRAS["test"]) == {}


def test_the_collector_never_imports_server_or_server_only_packages() -> None:
    server_only = sorted(
        module for module, dists in importlib.metadata.packages_distributions().items()
        if {canonicalize_name(d) for d in dists} & (EXTRAS["server"] - BASE)
    )
    assert "sqlalchemy" in server_only and "fastapi" in server_only
    probe = (
        "import importlib, pkgutil, sys\n"
        "import collector, queries.loader\n"
        "names = [m.name for m in pkgutil.walk_packages(collector.__path__, 'collector.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.splitlines()
    assert int(count) >= 20  # every collector module was imported
    assert "osquery" in loaded.split() and "httpx" in loaded.split()
    assert sorted(set(loaded.split()) & ({"server", *server_only})) == []


@pytest.mark.parametrize("script, target", [("patchgap", "server.entry:main"), ("patchgap-collect", "collector.cli:main")])
def test_each_console_script_belongs_to_its_part(script: str, target: str) -> None:
    scripts = dict(
        (part.strip() for part in line.split("=", 1))
        for line in CFG["options.entry_points"]["console_scripts"].strip().splitlines()
    )
    assert scripts[script] == target
