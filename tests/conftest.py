"""Fixtures shared by the whole suite.

``shared_dir`` is the one door to ``../shared/testdata`` (real third-party
data kept beside the project, never copied into it): tests that need it skip
with a clear reason when it is absent.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_testdata() -> Path:
    override = os.environ.get("PATCHGAP_SHARED_TESTDATA")
    if override:
        return Path(override)
    return PROJECT_ROOT.parent / "shared" / "testdata"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared/testdata``; skips the test when that folder is absent."""
    path = _shared_testdata()
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path} (set PATCHGAP_SHARED_TESTDATA)")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The project's own small hand-written fixtures."""
    return FIXTURES
