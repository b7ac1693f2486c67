"""The address a request came from. Behind a reverse proxy every request
comes from the proxy, so ``X-Forwarded-For`` is honoured, but only from
proxies the admin named (``patchgap serve --trusted-proxy CIDR``): anybody
else could write any address there, and so put any PC on a botnet list or
take one off."""
from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    """Parse ``--trusted-proxy`` values; ValueError names a bad one."""
    found = []
    for cidr in cidrs:
        try:
            found.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an address or CIDR range: {cidr!r}") from None
    return tuple(found)


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The peer's address; when the peer is a trusted proxy, the right-most
    address of ``X-Forwarded-For`` that is not itself a trusted proxy (the
    left part of that header is whatever the client chose to send)."""
    current = _parse(peer)
    if current is None:
        return ""
    hops = [h for h in forwarded_for.split(",") if h.strip()] if forwarded_for else []
    while hops and any(current in net for net in trusted):
        previous = _parse(hops.pop())
        if previous is None:
            break  # a malformed hop: trust nothing beyond the last proxy
        current = previous
    return str(current)
