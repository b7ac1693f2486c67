"""Several API processes behind one port (``patchgap serve --workers N``).

uvicorn starts each worker by importing the app anew (spawn), so the app is
built by a factory named by an import string from settings the parent puts
in the environment. The parent alone migrates the database, once, before
any worker starts; a worker only opens its own engine and pools.

SQLite has one write lock per database: the API's fair writer queue
(``server.api.writers``) orders writers inside one process only, and writers
of several processes would fall back to SQLite's busy handler (in no order,
with 503s under load). So SQLite runs one process.
"""
from __future__ import annotations

import os

from fastapi import FastAPI

from server.api.app import create_app
from server.settings import ENV_DATABASE_URL, Settings

FACTORY = "server.api.processes:app_from_environment"
ENV_TRUSTED_PROXIES = "PATCHGAP_TRUSTED_PROXIES"


def worker_count(asked: int, dialect: str) -> int:
    """How many API processes run for ``asked`` on a database of ``dialect``."""
    return 1 if dialect == "sqlite" else asked


def export(settings: Settings) -> None:
    """Put what the factory needs where the spawned workers inherit it."""
    os.environ[ENV_DATABASE_URL] = settings.database_url
    os.environ[ENV_TRUSTED_PROXIES] = ",".join(settings.trusted_proxies)


def app_from_environment() -> FastAPI:
    """The app of one worker process, from the settings :func:`export` left."""
    proxies = tuple(p for p in os.environ.get(ENV_TRUSTED_PROXIES, "").split(",") if p)
    return create_app(Settings(database_url=os.environ[ENV_DATABASE_URL], trusted_proxies=proxies))
