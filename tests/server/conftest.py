"""Server-side fixtures: the API on a real loopback port over a fresh database."""
from __future__ import annotations

import httpx
import pytest

from server.api import create_app
from server.api.background import serving
from server.inventory import enroll
from server.settings import Settings


@pytest.fixture
def api(db_url: str, engine):  # type: ignore[no-untyped-def]
    """Base URL of the API serving ``db_url`` on 127.0.0.1 (real HTTP)."""
    settings = Settings(database_url=db_url, max_body_bytes=2 * 1024 * 1024, max_software_items=5_000)
    with serving(create_app(settings, engine=engine)) as url:
        yield url


@pytest.fixture
def secret(sessions) -> str:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return enroll.create_secret(session, "Phòng Tài chính").secret


@pytest.fixture
def client(api: str):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=api, timeout=30) as client:
        yield client
