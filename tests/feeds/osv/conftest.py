"""Helpers shared by the OSV tests: where the records are, parse one file."""
from __future__ import annotations

from pathlib import Path

import pytest

from server.feeds.interface import Parsed
from server.feeds.osv import OsvFeed

OWN = Path(__file__).resolve().parents[2] / "fixtures" / "osv"


def parse_one(path: Path, feed: OsvFeed | None = None) -> Parsed:
    """The single :class:`Parsed` of a one-record file."""
    [parsed] = list((feed or OsvFeed()).parse(path))
    return parsed


@pytest.fixture(scope="session")
def shared_osv(shared_dir: Path) -> Path:
    """``../shared/testdata/feeds/osv`` (skips when absent)."""
    return shared_dir / "feeds" / "osv"


@pytest.fixture(scope="session")
def osv_schema_dir(shared_dir: Path) -> Path:
    """The OSV JSON schema folder in the shared test data."""
    return shared_dir / "feeds" / "schemas" / "osv"
