"""Settings precedence (flags > environment > config file > defaults) and clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from collector.config import ENV, load_settings
from collector.errors import ConfigError


def ini(tmp_path: Path, body: str, name: str = "collector.ini") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_flags_beat_environment_beat_file(tmp_path: Path) -> None:
    body = "[collector]\nserver = https://file.example\nunit = file-unit\nsource = native\ninterval = 60\n"
    config = ini(tmp_path, body)
    environ = {ENV["server"]: "https://env.example", ENV["unit"]: "env-unit"}
    settings = load_settings({"server": "https://flag.example/", "unit": None}, environ=environ, config_path=config)
    assert settings.server == "https://flag.example"  # trailing slash dropped
    assert settings.unit == "env-unit"
    assert settings.source == "native" and settings.interval == 60.0
    assert settings.config_file == config


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({"state_dir": str(tmp_path)}, environ={}, search_paths=[])
    assert settings.source == "auto" and settings.interval == 3600.0 and settings.insecure is False
    assert settings.server == "" and settings.config_file is None
    assert settings.spool_dir == tmp_path / "spool"


def test_environment_names(tmp_path: Path) -> None:
    environ = {
        "PATCHGAP_SERVER": "http://10.0.0.5:8000",
        "PATCHGAP_ENROLL_SECRET": "s3cret",
        "PATCHGAP_UNIT": "finance",
        "PATCHGAP_SOURCE": "osquery",
        "PATCHGAP_OSQUERY_SOCKET": "/var/osquery/osquery.em",
        "PATCHGAP_SPOOL_DIR": str(tmp_path / "sp"),
        "PATCHGAP_STATE_DIR": str(tmp_path / "st"),
        "PATCHGAP_INTERVAL": "900",
    }
    s = load_settings({}, environ=environ, search_paths=[])
    assert (s.server, s.enroll_secret, s.unit, s.source, s.osquery_socket) == (
        "http://10.0.0.5:8000", "s3cret", "finance", "osquery", "/var/osquery/osquery.em",
    )
    assert (s.spool_dir, s.state_dir, s.interval) == (tmp_path / "sp", tmp_path / "st", 900.0)


def test_first_existing_default_file_is_read(tmp_path: Path) -> None:
    user = ini(tmp_path, "[collector]\nunit = from-user-file\ninsecure = yes\n")
    settings = load_settings({}, environ={}, search_paths=[tmp_path / "absent.ini", user])
    assert settings.unit == "from-user-file" and settings.insecure is True and settings.config_file == user


def test_insecure_flag_beats_file(tmp_path: Path) -> None:
    config = ini(tmp_path, "[collector]\ninsecure = true\n")
    assert load_settings({"insecure": False}, environ={}, config_path=config).insecure is False


@pytest.mark.parametrize(
    ("flags", "environ", "message"),
    [
        ({"server": "patchgap.example.org"}, {}, "--server: server URL 'patchgap.example.org' needs http"),
        ({"server": "ftp://x"}, {}, "needs http:// or https://"),
        ({}, {"PATCHGAP_INTERVAL": "hourly"}, "PATCHGAP_INTERVAL: interval 'hourly' is not a number"),
        ({"interval": "-5"}, {}, "positive number"),
        ({}, {"PATCHGAP_SOURCE": "wmi"}, "PATCHGAP_SOURCE: source 'wmi' is not one of auto, osquery, native"),
        ({"insecure": "maybe"}, {}, "not yes/no"),
        ({"ca_cert": "/nonexistent/ca.pem"}, {}, "CA certificate file /nonexistent/ca.pem not found"),
    ],
)
def test_bad_values(flags: dict[str, str], environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(flags, environ=environ, search_paths=[])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[collector]\nsever = https://typo.example\n", "unknown setting.*sever"),
        ("[agent]\nserver = https://x.example\n", r"no \[collector\] section"),
        ("server = https://x.example\n", "not valid INI"),
        ("[collector]\ninterval = soon\n", "interval in .*collector.ini: interval 'soon'"),
    ],
)
def test_bad_config_files(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({}, environ={}, config_path=ini(tmp_path, body))


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings({}, environ={}, config_path=tmp_path / "nope.ini")
