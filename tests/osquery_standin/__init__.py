"""A protocol-level osqueryd stand-in for tests.

It speaks osquery's real ExtensionManager Thrift API over a Unix socket, so
the real osquery-python client (and anything built on it) can be tested
without osquery. Tables come from osquery's ``.table`` specs and rows from
per-platform scenarios::

    with OsqueryStandIn("windows") as standin:
        OsquerySource(socket_path=standin.socket_path).collect()

In pytest use the ``osquery_standin`` fixture (``pytest_plugin``); from a
shell ``python -m tests.osquery_standin --scenario debian --socket PATH``.
"""
from __future__ import annotations

from tests.osquery_standin.scenarios import SCENARIOS, Scenario, load_scenario
from tests.osquery_standin.server import OsqueryStandIn

__all__ = ["SCENARIOS", "OsqueryStandIn", "Scenario", "load_scenario"]
