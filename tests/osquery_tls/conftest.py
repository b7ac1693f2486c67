"""osqueryd nodes (the TLS stand-in) against the API on a real loopback port."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.osquery_standin.database import StandInDatabase
from tests.osquery_standin.scenarios import Scenario, load_scenario, shared_specs_dir, specs_for
from tests.osquery_standin.tls_node import TlsNode
from tests.server.conftest import api, client, secret  # noqa: F401  (the API fixtures)

MakeNode = Callable[..., TlsNode]


def standin_database(scenario: Scenario, **options: Any) -> StandInDatabase:
    return StandInDatabase(scenario, specs_for(scenario.platform, shared_specs_dir()), **options)


@pytest.fixture
def make_node(client: httpx.Client, secret: str) -> MakeNode:  # noqa: F811
    """``make_node(scenario_or_name, secret=..., hide_columns=..., **TlsNode options)``."""

    def make(scenario: str | Scenario = "debian", *, node_secret: str | None = None,
             hide_tables: tuple[str, ...] = (), hide_columns: dict[str, tuple[str, ...]] | None = None,
             **options: Any) -> TlsNode:
        if isinstance(scenario, str):
            scenario = load_scenario(scenario)
        database = standin_database(scenario, hide_tables=hide_tables, hide_columns=hide_columns)
        return TlsNode(client, database, scenario.platform, node_secret or secret, **options)

    return make
