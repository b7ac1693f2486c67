"""The address a report came from: the peer, or X-Forwarded-For only from a
trusted proxy; recorded as the host's observed address over real HTTP."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from server.api import create_app
from server.api.background import serving
from server.api.client_address import client_address, networks
from server.db.models import HostAddress
from server.settings import Settings
from tests.reports import debian_host
from tests.server.test_api import enroll_host, post_report

PROXY = networks(["10.0.0.5/32", "fd00::/8"])


@pytest.mark.parametrize(("peer", "header", "expected"), [
    ("203.0.113.9", "", "203.0.113.9"),
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # an untrusted peer cannot choose its address
    ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote the left part itself
    ("10.0.0.5", "198.51.100.1, fd00::7", "198.51.100.1"),  # two trusted hops
    ("10.0.0.5", "not-an-address", "10.0.0.5"),
    ("10.0.0.5", "", "10.0.0.5"),
    ("::ffff:203.0.113.9", "", "203.0.113.9"),
])
def test_forwarded_for_is_believed_only_from_trusted_proxies(peer: str, header: str, expected: str) -> None:
    assert client_address(peer, header, PROXY) == expected


def test_a_bad_trusted_proxy_is_refused() -> None:
    with pytest.raises(ValueError, match="not an address"):
        networks(["10.0.0.0/33"])


def observed(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return sorted(session.scalars(select(HostAddress.address).where(HostAddress.kind == "observed")))


def test_the_server_records_where_reports_come_from(db_url, engine, sessions, secret) -> None:  # type: ignore[no-untyped-def]
    trusted = Settings(database_url=db_url, trusted_proxies=("127.0.0.1/32",))
    with serving(create_app(trusted, engine=engine)) as url, httpx.Client(base_url=url, timeout=30) as client:
        key = enroll_host(client, secret, debian_host())
        assert post_report(client, key, debian_host()).status_code == 200
        client.headers["X-Forwarded-For"] = "203.0.113.40"
        assert post_report(client, key, debian_host()).status_code == 200
    assert observed(sessions) == ["127.0.0.1", "203.0.113.40"]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(api, client, secret, sessions) -> None:  # type: ignore[no-untyped-def]
    key = enroll_host(client, secret, debian_host())
    client.headers["X-Forwarded-For"] = "203.0.113.40"
    assert post_report(client, key, debian_host()).status_code == 200
    assert observed(sessions) == ["127.0.0.1"]
