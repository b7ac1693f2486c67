"""This Linux machine's interface addresses, loopback left out.

``ip -j addr`` (iproute2) sees every address; without it we fall back to the
kernel directly: ``ioctl`` for each interface's primary IPv4 address and
``/proc/net/if_inet6`` for IPv6. MACs come from ``/sys/class/net``.
"""
from __future__ import annotations

import fcntl
import ipaddress
import json
import shutil
import socket
import struct
import subprocess
from pathlib import Path

from collector import wire

SYS_NET = Path("/sys/class/net")
IFF_LOOPBACK = 0x8
SIOCGIFADDR = 0x8915
SIOCGIFNETMASK = 0x891B


def prefix_mask(address: str, prefixlen: int) -> str:
    """The netmask for ``prefixlen`` in the address's family (``255.255.255.0``)."""
    return str(ipaddress.ip_interface(f"{address}/{prefixlen}").netmask)


def _mac(interface: str) -> str:
    try:
        return (SYS_NET / interface / "address").read_text().strip()
    except OSError:
        return ""


def _is_loopback(interface: str) -> bool:
    try:
        return bool(int((SYS_NET / interface / "flags").read_text().strip(), 16) & IFF_LOOPBACK)
    except (OSError, ValueError):
        return interface == "lo"


def parse_ip_json(text: str) -> list[wire.Address]:
    """Addresses from ``ip -j addr`` output."""
    rows: list[wire.Address] = []
    for link in json.loads(text or "[]"):
        if "LOOPBACK" in link.get("flags", []) or link.get("link_type") == "loopback":
            continue
        for info in link.get("addr_info", []):
            if info.get("family") not in ("inet", "inet6") or "local" not in info:
                continue
            rows.append(
                wire.Address(
                    interface=link.get("ifname", ""),
                    address=info["local"],
                    mask=prefix_mask(info["local"], int(info.get("prefixlen", 0))),
                    mac=link.get("address", ""),
                )
            )
    return rows


def _ipv4_ioctl(interface: str) -> wire.Address | None:
    """The interface's primary IPv4 address, or None when it has none."""
    request = struct.pack("256s", interface.encode()[:15])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            address = socket.inet_ntoa(fcntl.ioctl(sock.fileno(), SIOCGIFADDR, request)[20:24])
            mask = socket.inet_ntoa(fcntl.ioctl(sock.fileno(), SIOCGIFNETMASK, request)[20:24])
        except OSError:
            return None
    return wire.Address(interface=interface, address=address, mask=mask, mac=_mac(interface))


def _ipv6_proc(path: Path = Path("/proc/net/if_inet6")) -> list[wire.Address]:
    rows: list[wire.Address] = []
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return rows
    for line in lines:
        cols = line.split()
        if len(cols) != 6 or _is_loopback(cols[5]):
            continue
        address = str(ipaddress.IPv6Address(bytes.fromhex(cols[0])))
        mask = prefix_mask(address, int(cols[2], 16))
        rows.append(wire.Address(interface=cols[5], address=address, mask=mask, mac=_mac(cols[5])))
    return rows


def read_kernel_addresses() -> list[wire.Address]:
    """Addresses without iproute2 (IPv4: primary address per interface only)."""
    rows: list[wire.Address] = []
    for _, name in socket.if_nameindex():
        if not _is_loopback(name):
            found = _ipv4_ioctl(name)
            if found:
                rows.append(found)
    return rows + _ipv6_proc()


def _from_ip_command() -> list[wire.Address] | None:
    ip = shutil.which("ip")
    if not ip:
        return None
    try:
        done = subprocess.run([ip, "-j", "addr"], capture_output=True, text=True, timeout=10, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return parse_ip_json(done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        pass  # old iproute2 without -j, or odd output: use the kernel
    return None


def read_addresses() -> list[wire.Address]:
    """Every non-loopback address: ``ip -j addr`` when it works, else the kernel."""
    rows = _from_ip_command()
    if rows is None:
        rows = read_kernel_addresses()
    # a 127.x address on a dummy interface is still loopback
    return [row for row in rows if not ipaddress.ip_address(row.address).is_loopback]
