"""A protocol-level osqueryd for tests: osquery's real ExtensionManager Thrift
API (the code generated inside osquery-python) on a Unix socket, answering
from a :class:`~tests.osquery_standin.database.StandInDatabase`.

Replies mirror ``osquery/extensions/interface.cpp``: ping -> code 0 "pong";
query/getQueryColumns -> code 0 "OK" or code 1 with sqlite's message;
getQueryColumns sends one ``{name: TYPE}`` map per column.
"""
from __future__ import annotations

import os
import random
import shutil
import socket
import sqlite3
import tempfile
import threading
from collections.abc import Collection, Mapping
from pathlib import Path

from osquery.extensions import ExtensionManager
from osquery.extensions.ttypes import ExtensionResponse, ExtensionStatus, InternalExtensionInfo
from thrift.protocol import TBinaryProtocol
from thrift.transport import TSocket, TTransport

from tests.osquery_standin.database import StandInDatabase
from tests.osquery_standin.scenarios import Scenario, load_scenario, shared_specs_dir, specs_for

_AUTO = Path("auto")


class _Handler(ExtensionManager.Iface):
    def __init__(self, database: StandInDatabase) -> None:
        self.database = database
        self.extensions_: dict[int, InternalExtensionInfo] = {}
        self.received: list[str] = []  # every SQL text, for assertions

    def ping(self) -> ExtensionStatus:
        return ExtensionStatus(code=0, message="pong", uuid=0)

    def query(self, sql: str) -> ExtensionResponse:
        self.received.append(sql)
        try:
            rows = self.database.query(sql)
        except (sqlite3.Error, ValueError) as exc:
            return ExtensionResponse(status=ExtensionStatus(code=1, message=str(exc), uuid=0), response=[])
        return ExtensionResponse(status=ExtensionStatus(code=0, message="OK", uuid=0), response=rows)

    def getQueryColumns(self, sql: str) -> ExtensionResponse:
        try:
            columns = self.database.columns(sql)
        except (sqlite3.Error, ValueError) as exc:
            return ExtensionResponse(status=ExtensionStatus(code=1, message=str(exc), uuid=0), response=[])
        return ExtensionResponse(status=ExtensionStatus(code=0, message="OK", uuid=0),
                                 response=[{name: ctype} for name, ctype in columns])

    def extensions(self) -> dict[int, InternalExtensionInfo]:
        return dict(self.extensions_)

    def options(self) -> dict:
        return {}

    def registerExtension(self, info: InternalExtensionInfo, registry: dict) -> ExtensionStatus:
        if any(known.name == info.name for known in self.extensions_.values()):
            return ExtensionStatus(code=1, message="Duplicate extension registered", uuid=0)
        uuid = random.randint(1, 65535)
        self.extensions_[uuid] = info
        return ExtensionStatus(code=0, message="OK", uuid=uuid)

    def deregisterExtension(self, uuid: int) -> ExtensionStatus:
        if self.extensions_.pop(uuid, None) is None:
            return ExtensionStatus(code=1, message="No extension UUID registered", uuid=0)
        return ExtensionStatus(code=0, message="", uuid=uuid)

    def call(self, registry: str, item: str, request: dict) -> ExtensionResponse:
        return ExtensionResponse(status=ExtensionStatus(code=1, message="Unknown registry", uuid=0), response=[])

    def shutdown(self) -> None:
        pass


class OsqueryStandIn:
    """Serve one scenario on a Unix socket until :meth:`stop`.

    ``specs_dir``: osquery ``.table`` specs (default: the shared folder if
    present, ``None`` for fixture-shaped tables). ``hide_tables`` and
    ``hide_columns`` play an older osquery that lacks them; ``triage`` adds
    the rows of the triage tables (a machine with malware on it).
    """

    def __init__(
        self,
        scenario: str | Scenario,
        socket_path: str | None = None,
        *,
        specs_dir: Path | None = _AUTO,
        samples_dir: Path | None = None,
        hide_tables: Collection[str] = (),
        hide_columns: Mapping[str, Collection[str]] | None = None,
        triage: bool = False,
    ) -> None:
        if isinstance(scenario, str):
            scenario = load_scenario(scenario, samples_dir=samples_dir, triage=triage)
        specs_dir = shared_specs_dir() if specs_dir == _AUTO else specs_dir
        self.scenario = scenario
        self.database = StandInDatabase(scenario, specs_for(scenario.platform, specs_dir),
                                        hide_tables=hide_tables, hide_columns=hide_columns)
        self.handler = _Handler(self.database)
        # Unix socket paths are limited to ~104 bytes: keep them short.
        self._dir = None if socket_path else tempfile.mkdtemp(prefix="osq-standin-")
        self.socket_path = socket_path or os.path.join(self._dir, "osquery.em")
        self._listener: socket.socket | None = None
        self._clients: set[socket.socket] = set()
        self._workers: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)  # stale, as osquery's removeStalePaths
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.socket_path)
        self._listener.listen(16)
        self._listener.settimeout(0.05)  # lets the accept loop notice stop()
        self._thread = threading.Thread(target=self._serve, name="osquery-standin", daemon=True)
        self._thread.start()
        return self.socket_path

    def _serve(self) -> None:
        processor = ExtensionManager.Processor(self.handler)
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(None)
            self._clients.add(conn)
            worker = threading.Thread(target=self._handle, args=(processor, conn), daemon=True)
            self._workers.append(worker)
            worker.start()

    def _handle(self, processor: ExtensionManager.Processor, conn: socket.socket) -> None:
        sock = TSocket.TSocket()
        sock.setHandle(conn)
        transport = TTransport.TBufferedTransport(sock)
        protocol = TBinaryProtocol.TBinaryProtocol(transport)
        try:
            while not self._stopping.is_set():
                processor.process(protocol, protocol)
        except (TTransport.TTransportException, OSError, EOFError):
            pass  # the client went away (or we are stopping)
        finally:
            self._clients.discard(conn)
            conn.close()

    def stop(self) -> None:
        self._stopping.set()
        for conn in list(self._clients):
            try:
                conn.shutdown(socket.SHUT_RDWR)  # wakes the handler's recv
            except OSError:
                pass
        for thread in [self._thread, *self._workers]:
            if thread is not None:
                thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
        self.database.close()

    def __enter__(self) -> OsqueryStandIn:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
