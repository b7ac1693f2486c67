"""The ``osquery_standin`` pytest fixture.

Register it with ``pytest_plugins = ["tests.osquery_standin.pytest_plugin"]``
in the top-level conftest, or import the fixture into a conftest::

    def test_windows(osquery_standin):
        socket_path = osquery_standin("windows")
        snapshot = OsquerySource(socket_path=socket_path).collect()

Every stand-in started through the fixture stops at the end of the test.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.osquery_standin.server import OsqueryStandIn

StartStandIn = Callable[..., str]


@pytest.fixture
def osquery_standin() -> Iterator[StartStandIn]:
    """``osquery_standin(scenario, **options) -> socket path``.

    ``scenario``: windows, debian, ubuntu, rhel or macos. Options are
    :class:`OsqueryStandIn`'s: ``socket_path``, ``specs_dir``, ``samples_dir``,
    ``hide_tables``, ``hide_columns``, ``triage``.
    """
    started: list[OsqueryStandIn] = []

    def start(scenario: str, **options: Any) -> str:
        standin = OsqueryStandIn(scenario, **options)
        started.append(standin)
        return standin.start()

    try:
        yield start
    finally:
        for standin in reversed(started):
            standin.stop()
