"""Server settings: where the database is and how much a request may carry."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

ENV_DATABASE_URL = "PATCHGAP_DATABASE_URL"


def default_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/patchgap`` on Linux)."""
    return Path(platformdirs.user_data_dir("patchgap", appauthor=False))


def default_database_url() -> str:
    """``PATCHGAP_DATABASE_URL`` when set, else a SQLite file in the data dir."""
    url = os.environ.get(ENV_DATABASE_URL)
    if url:
        return url
    return f"sqlite:///{default_data_dir() / 'patchgap.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    # Limits on what one collector request may carry (bytes after gunzip too).
    max_body_bytes: int = 16 * 1024 * 1024
    max_software_items: int = 50_000
    max_string_length: int = 1024
    # A host is "silent" after this many days without a report.
    silent_after_days: int = 7
