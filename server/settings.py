"""Server settings: where the database is and how much a request may carry."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from collector import limits
from server.inventory.throttle import EnrollLimits

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
    # What one report may carry (bytes after gunzip too). Per-field limits
    # are the wire format's own (collector.limits); these may only be lower.
    max_body_bytes: int = limits.MAX_REPORT_BYTES
    max_software_items: int = limits.MAX_SOFTWARE
    enroll_limits: EnrollLimits = field(default_factory=EnrollLimits)
    # Reverse proxies whose X-Forwarded-For is believed (CIDR ranges).
    trusted_proxies: tuple[str, ...] = ()
    # A host is "silent" after this many days without a report.
    silent_after_days: int = 7
