"""Collector settings: command-line flags > environment > config file > defaults.

The config file is INI with a ``[collector]`` section whose keys are the
long option names with underscores (``server``, ``enroll_secret``...). Without
``--config`` the first file that exists among :func:`default_config_paths` is
read. Bad values raise :class:`ConfigError` naming where they came from.
"""
from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from collector.errors import ConfigError
from collector.i18n import text

SECTION = "collector"
KEYS = (
    "server", "enroll_secret", "unit", "source", "osquery_socket",
    "spool_dir", "state_dir", "interval", "ca_cert", "insecure",
)
ENV = {key: f"PATCHGAP_{key.upper()}" for key in KEYS}
SOURCE_CHOICES = ("auto", "osquery", "native")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """Everything a collector run needs, validated."""

    state_dir: Path
    spool_dir: Path
    server: str = ""
    enroll_secret: str = ""
    unit: str = ""
    source: str = "auto"
    osquery_socket: str = ""
    interval: float = 3600.0
    ca_cert: str = ""
    insecure: bool = False
    config_file: Path | None = None


def default_config_paths() -> list[Path]:
    """Where a config file is looked for: system-wide first, then the user's."""
    linux = sys.platform.startswith("linux")
    system = Path("/etc/patchgap") if linux else Path(platformdirs.site_config_dir("patchgap"))
    return [system / "collector.ini", Path(platformdirs.user_config_dir("patchgap")) / "collector.ini"]


def default_state_dir() -> Path:
    """Node key and spool live here: /var/lib/patchgap-collector for root, else the user data dir."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/patchgap-collector")
    return Path(platformdirs.user_data_dir("patchgap")) / "collector"


def read_config_file(path: Path) -> dict[str, str]:
    """The ``[collector]`` section of an INI file; unknown keys are errors (typos)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as exc:
        raise ConfigError.of("config_unreadable", path=path, error=exc.strerror) from exc
    except configparser.Error as exc:
        raise ConfigError.of("config_not_ini", path=path, error=exc) from exc
    if not parser.has_section(SECTION):
        raise ConfigError.of("config_no_section", path=path, section=SECTION)
    values = dict(parser.items(SECTION))
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise ConfigError.of("config_unknown_keys", names=", ".join(unknown), section=SECTION, path=path,
                             known=", ".join(KEYS))
    return values


def _merge(
    flags: Mapping[str, Any], environ: Mapping[str, str], file_values: Mapping[str, str], file_name: str
) -> dict[str, tuple[Any, str]]:
    """Each key's winning raw value and where it came from (for error messages)."""
    merged: dict[str, tuple[Any, str]] = {}
    for key in KEYS:
        if flags.get(key) is not None:
            merged[key] = (flags[key], f"--{key.replace('_', '-')}")
        elif environ.get(ENV[key]) is not None:
            merged[key] = (environ[ENV[key]], ENV[key])
        elif key in file_values:
            merged[key] = (file_values[key], text("config_origin_file", setting=key, path=file_name))
    return merged


def check_server(url: str, origin: str) -> str:
    """An http(s) URL with a host, trailing slash removed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError.of("config_bad_server", origin=origin, url=url)
    return url.strip().rstrip("/")


def _to_bool(value: Any, origin: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ConfigError.of("config_bad_bool", origin=origin, value=value)


def _to_interval(value: Any, origin: str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError.of("config_interval_not_number", origin=origin, value=value) from None
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError.of("config_interval_not_positive", origin=origin, value=value)
    return seconds


def load_settings(
    flags: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    config_path: str | Path | None = None,
    search_paths: Sequence[Path] | None = None,
) -> Settings:
    """Settings from ``flags`` (None = not given) > ``environ`` > config file > defaults.

    ``config_path`` is ``--config`` (must exist); otherwise the first of
    ``search_paths`` (default :func:`default_config_paths`) that exists is read.
    """
    environ = os.environ if environ is None else environ
    config_file: Path | None = Path(config_path).expanduser() if config_path else None
    if config_file is None:
        candidates = default_config_paths() if search_paths is None else search_paths
        config_file = next((p for p in candidates if p.is_file()), None)
    file_values = read_config_file(config_file) if config_file else {}
    raw = _merge(flags, environ, file_values, str(config_file))
    values: dict[str, Any] = {key: value for key, (value, _) in raw.items()}
    if "server" in raw and str(raw["server"][0]).strip():
        values["server"] = check_server(str(raw["server"][0]), raw["server"][1])
    if "source" in raw and str(raw["source"][0]) not in SOURCE_CHOICES:
        raise ConfigError.of("config_bad_source", origin=raw["source"][1], value=raw["source"][0],
                             choices=", ".join(SOURCE_CHOICES))
    if "interval" in raw:
        values["interval"] = _to_interval(*raw["interval"])
    if "insecure" in raw:
        values["insecure"] = _to_bool(*raw["insecure"])
    if values.get("ca_cert") and not Path(str(values["ca_cert"])).expanduser().is_file():
        raise ConfigError.of("config_no_ca_cert", origin=raw["ca_cert"][1], path=values["ca_cert"])
    state_dir = Path(str(values.pop("state_dir", "") or default_state_dir())).expanduser()
    spool_dir = Path(str(values.pop("spool_dir", "") or state_dir / "spool")).expanduser()
    return Settings(state_dir=state_dir, spool_dir=spool_dir, config_file=config_file, **values)
