"""OsqueryClient: osquery-python's habits turned into typed answers and our errors."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from collector.errors import SourceFailed, SourceUnavailable
from collector.osquery_client import OsqueryClient, OsqueryQueryError, default_socket_path
from tests.osquery_standin import OsqueryStandIn


def test_ping_and_query_values_are_strings(osquery_standin) -> None:  # noqa: F811
    with OsqueryClient(osquery_standin("rhel")) as client:
        assert client.ping() == "pong"
        rows = client.query(
            "SELECT name, epoch, size FROM rpm_packages WHERE name IN ('bash', 'openssl') ORDER BY name"
        )
    # INTEGER columns come back as text; a NULL epoch as ""
    assert rows == [{"name": "bash", "epoch": "", "size": "7738634"},
                    {"name": "openssl", "epoch": "1", "size": "1910534"}]


def test_columns_in_order_with_osquery_types(osquery_standin) -> None:  # noqa: F811
    with OsqueryClient.connect(osquery_standin("windows")) as client:
        columns = client.columns("SELECT hotfix_id, installed_on FROM patches")
    assert list(columns) == ["hotfix_id", "installed_on"]
    assert set(columns.values()) == {"TEXT"}


def test_sql_error_is_source_failed_with_osquerys_message(osquery_standin) -> None:  # noqa: F811
    with OsqueryClient(osquery_standin("debian")) as client:
        with pytest.raises(SourceFailed, match='near "SELEC": syntax error') as caught:
            client.query("SELEC name FROM deb_packages")
        assert isinstance(caught.value, OsqueryQueryError)
        assert caught.value.sql == "SELEC name FROM deb_packages"
        with pytest.raises(OsqueryQueryError, match="no such table: programs"):
            client.columns("SELECT name FROM programs")  # a Windows table, on Linux
        assert client.query("SELECT version FROM osquery_info") == [{"version": "5.12.1"}]  # still usable


def test_socket_absent_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no osquery extension socket at"):
        OsqueryClient.connect(str(tmp_path / "osquery.em"))


def test_stale_socket_file_is_unavailable(tmp_path: Path) -> None:
    """A socket file nobody listens on (osqueryd crashed): open() returned False."""
    path = tmp_path / "osquery.em"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()
    with pytest.raises(SourceUnavailable, match="not answering"):
        OsqueryClient.connect(str(path), wait=0.1)


def test_osquery_going_away_mid_session_is_source_failed() -> None:
    standin = OsqueryStandIn("ubuntu")
    client = OsqueryClient.connect(standin.start(), timeout=2)
    try:
        standin.stop()
        with pytest.raises(SourceFailed, match="lost the connection to osquery"):
            client.query("SELECT 1")
    finally:
        client.close()


def test_not_connected_is_source_failed() -> None:
    with pytest.raises(SourceFailed, match="not connected"):
        OsqueryClient("/nonexistent/osquery.em").ping()


def test_default_socket_is_osquerys() -> None:
    assert default_socket_path() in ("/var/osquery/osquery.em", r"\\.\pipe\osquery.em")
