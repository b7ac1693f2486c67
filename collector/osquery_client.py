"""The one adapter around osquery-python: talk Thrift to a running osqueryd, or
start a private ephemeral osqueryd when there is a binary but no daemon.

osquery-python's habits stop here: ``open()`` that returns False, bare
``Exception``, ``ExtensionStatus.code != 0`` instead of errors. Callers get
:class:`~collector.errors.SourceUnavailable` (no socket, no binary),
:class:`OsqueryQueryError` (osquery refused the SQL: its message kept) and
:class:`~collector.errors.SourceFailed` (the connection broke).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import osquery
from thrift.protocol import TBinaryProtocol
from thrift.Thrift import TException
from thrift.transport import TSocket, TTransport

from collector.errors import SourceFailed, SourceUnavailable
from collector.i18n import text

Row = dict[str, str]

WINDOWS_SOCKET = r"\\.\pipe\osquery.em"
POSIX_SOCKET = "/var/osquery/osquery.em"
OSQUERYD_CANDIDATES = (
    "/opt/osquery/bin/osqueryd",
    "/usr/bin/osqueryd",
    "/usr/local/bin/osqueryd",
    "/opt/osquery/lib/osquery.app/Contents/MacOS/osqueryd",
    r"C:\Program Files\osquery\osqueryd\osqueryd.exe",
)


class OsqueryQueryError(SourceFailed):
    """osquery answered a query with an error status (bad SQL, missing table)."""

    def __init__(self, sql: str, message: str) -> None:
        super().__init__(text("osquery_refused_query", error=message))
        self.sql = sql
        self.message = message


def default_socket_path() -> str:
    return WINDOWS_SOCKET if sys.platform == "win32" else POSIX_SOCKET


def find_osqueryd() -> str | None:
    """The first osqueryd binary on PATH or in the installers' locations."""
    found = shutil.which("osqueryd")
    if found:
        return found
    return next((path for path in OSQUERYD_CANDIDATES if os.path.isfile(path)), None)


class _TimedExtensionClient(osquery.ExtensionClient):
    # NOTE: osquery-python builds its TSocket without a timeout, so a hung
    # osqueryd would block the collector forever; rebuild the same POSIX
    # transport with one (Windows keeps osquery-python's TPipe).
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__(path=path)
        if sys.platform != "win32":
            sock = TSocket.TSocket(unix_socket=path)
            sock.setTimeout(timeout * 1000)
            self._transport = TTransport.TBufferedTransport(sock)
            self._protocol = TBinaryProtocol.TBinaryProtocol(self._transport)


class OsqueryClient:
    """A connection to osqueryd's extension manager socket."""

    def __init__(self, socket_path: str | None = None, *, timeout: float = 10.0) -> None:
        self.socket_path = socket_path or default_socket_path()
        self.timeout = timeout
        self._client: _TimedExtensionClient | None = None
        self._manager: osquery.extensions.ExtensionManager.Client | None = None

    @classmethod
    def connect(cls, socket_path: str | None = None, timeout: float = 10.0, *, wait: float = 1.0) -> OsqueryClient:
        client = cls(socket_path, timeout=timeout)
        client.open(wait=wait)
        return client

    def open(self, *, wait: float = 1.0) -> None:
        """Connect, retrying for ``wait`` seconds; SourceUnavailable if nobody answers."""
        if sys.platform != "win32" and not os.path.exists(self.socket_path):
            raise SourceUnavailable.of("osquery_no_socket", socket=self.socket_path)
        client = _TimedExtensionClient(self.socket_path, self.timeout)
        if not client.open(timeout=wait, interval=0.05):
            raise SourceUnavailable.of("osquery_not_answering", socket=self.socket_path)
        self._client = client
        self._manager = client.extension_manager_client()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = self._manager = None

    def __enter__(self) -> OsqueryClient:
        if self._manager is None:
            self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def ping(self) -> str:
        """osquery's ping message ("pong"); SourceFailed when not healthy."""
        status = self._call("ping")
        if status.code != 0:
            raise SourceFailed.of("osquery_ping_failed", error=status.message)
        return str(status.message or "")

    def query(self, sql: str) -> list[Row]:
        """Rows as osquery sends them: every value a string, NULL as ""."""
        response = self._call("query", sql)
        self._check(sql, response)
        return [{str(k): "" if v is None else str(v) for k, v in row.items()} for row in response.response or []]

    def columns(self, sql: str) -> dict[str, str]:
        """Result column names of ``sql`` in order, each with osquery's type name."""
        response = self._call("getQueryColumns", sql)
        self._check(sql, response)
        # osquery sends one single-entry map {name: TYPE} per column.
        return {str(k): str(v) for entry in response.response or [] for k, v in entry.items()}

    def _call(self, method: str, *args: str):  # noqa: ANN202 - thrift types are untyped
        if self._manager is None:
            raise SourceFailed.of("osquery_not_connected")
        try:
            return getattr(self._manager, method)(*args)
        except (TException, OSError, EOFError) as exc:
            raise SourceFailed.of("osquery_connection_lost", socket=self.socket_path, error=exc) from exc

    @staticmethod
    def _check(sql: str, response) -> None:  # noqa: ANN001
        status = response.status
        if status is None or status.code != 0:
            raise OsqueryQueryError(sql, status.message if status is not None else "no status in the reply")


class OsquerydProcess:
    """A private ``osqueryd --ephemeral`` with its own extension socket, as
    osquery-python's SpawnInstance starts one, but stopped deterministically."""

    def __init__(self, binary: str, *, timeout: float = 10.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self.workdir = tempfile.mkdtemp(prefix="patchgap-osq-")
        self.socket_path = (
            rf"\\.\pipe\patchgap-{os.getpid()}-{Path(self.workdir).name}" if sys.platform == "win32"
            else os.path.join(self.workdir, "osquery.em")
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        if not os.path.isfile(self.binary):
            self.stop()
            raise SourceUnavailable.of("osqueryd_missing", path=self.binary)
        stderr_path = os.path.join(self.workdir, "osqueryd.stderr")
        config_path = os.path.join(self.workdir, "empty.conf")
        Path(config_path).write_text("{}", encoding="utf-8")  # never the host's own config
        args = [
            self.binary, "--ephemeral", "--disable_database", "--disable_logging",
            "--disable_watchdog", f"--extensions_socket={self.socket_path}",
            f"--pidfile={os.path.join(self.workdir, 'osqueryd.pid')}",
            f"--config_path={config_path}",
        ]
        with open(stderr_path, "wb") as stderr:
            try:
                self._process = subprocess.Popen(
                    args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
                )
            except OSError as exc:
                self.stop()
                raise SourceUnavailable.of("osqueryd_cannot_start", path=self.binary, error=exc) from exc
        deadline = time.monotonic() + self.timeout
        while sys.platform != "win32" and not os.path.exists(self.socket_path):
            if self._process.poll() is not None or time.monotonic() > deadline:
                tail = Path(stderr_path).read_text(errors="replace")[-500:].strip()
                self.stop()
                raise SourceUnavailable.of("osqueryd_no_socket", path=self.binary, socket=self.socket_path,
                                           output=tail or text("osqueryd_no_output"))
            time.sleep(0.02)
        return self.socket_path

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        shutil.rmtree(self.workdir, ignore_errors=True)
