"""Sockets and processes read from /proc, for the triage snapshot without osquery.

``/proc/net/{tcp,tcp6,udp,udp6}`` list the sockets of this network namespace
with their inode; ``/proc/PID/fd`` links (``socket:[INODE]``) name the
process holding each. Without root, only this user's processes can be read:
the other sockets show no process, and :func:`socket_owners` counts how many
processes could not be looked into.
"""
from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
              "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN",
              "0B": "CLOSING", "0C": "NEW_SYN_RECV"}
# As osquery reports them: IANA protocol numbers, Linux address families.
PROTOCOLS = {"tcp": 6, "udp": 17}
FAMILIES = {4: 2, 6: 10}


@dataclass(frozen=True)
class Socket:
    protocol: int
    family: int
    local_address: str
    local_port: int
    remote_address: str
    remote_port: int
    state: str
    inode: int

    @property
    def listening(self) -> bool:
        """TCP in LISTEN; UDP bound with no peer (how osquery's listening_ports sees UDP)."""
        if self.protocol == PROTOCOLS["tcp"]:
            return self.state == "LISTEN"
        return self.remote_port == 0 and is_unspecified(self.remote_address)


@dataclass(frozen=True)
class Process:
    pid: int
    parent: str
    name: str
    path: str
    cmdline: str
    uid: str


def decode_address(hex_address: str) -> str:
    """``0100007F`` -> ``127.0.0.1``; 32 hex digits -> an IPv6 address,
    IPv4-mapped ones as osquery prints them (``::ffff:203.0.113.66``)."""
    raw = bytes.fromhex(hex_address)
    if sys.byteorder == "little":
        # NOTE: the kernel prints each 32-bit word of the address as a host-order integer.
        raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(raw)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"  # Python before 3.13 prints ::ffff:cb00:7142
    return str(address)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_unspecified(text: str) -> bool:
    return _address(text).is_unspecified


def is_remote(text: str) -> bool:
    """An address on another machine: neither loopback nor unspecified (IPv4-mapped forms too)."""
    address = _address(text)
    return not (address.is_loopback or address.is_unspecified)


def parse_sockets(text: str, protocol: str, version: int) -> list[Socket]:
    """The rows of one /proc/net table (``protocol`` tcp or udp, IP ``version`` 4 or 6)."""
    found = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        (local, local_port), (remote, remote_port) = (part.split(":") for part in fields[1:3])
        state = TCP_STATES.get(fields[3], fields[3]) if protocol == "tcp" else ""
        found.append(Socket(PROTOCOLS[protocol], FAMILIES[version], decode_address(local), int(local_port, 16),
                            decode_address(remote), int(remote_port, 16), state, int(fields[9])))
    return found


def read_sockets(proc: Path = PROC) -> list[Socket]:
    """Every TCP and UDP socket, IPv4 and IPv6, this namespace has (tables it lacks are skipped)."""
    found: list[Socket] = []
    for protocol in ("tcp", "udp"):
        for version, suffix in ((4, ""), (6, "6")):
            try:
                text = (proc / "net" / f"{protocol}{suffix}").read_text()
            except OSError:
                continue  # no IPv6 in this kernel, say
            found += parse_sockets(text, protocol, version)
    return found


def _pids(proc: Path) -> list[int]:
    return sorted(int(entry.name) for entry in proc.iterdir() if entry.name.isdigit())


def socket_owners(proc: Path = PROC) -> tuple[dict[int, int], int]:
    """(socket inode -> pid, how many processes' descriptors could not be read)."""
    owners: dict[int, int] = {}
    unreadable = 0
    for pid in _pids(proc):
        try:
            fds = os.listdir(proc / str(pid) / "fd")
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended meanwhile
        except OSError:
            unreadable += 1  # another user's process, and we are not root
            continue
        for fd in fds:
            try:
                target = os.readlink(proc / str(pid) / "fd" / fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owners.setdefault(int(target[8:-1]), pid)
    return owners, unreadable


def _read(path: Path) -> str:
    try:
        return path.read_bytes().replace(b"\x00", b" ").decode("utf-8", errors="replace").strip()
    except OSError:
        return ""


def read_processes(proc: Path = PROC) -> dict[int, Process]:
    """Every process: parent, name, executable (empty when not ours to read), command line, real uid."""
    found = {}
    for pid in _pids(proc):
        base = proc / str(pid)
        status = dict(line.split(":", 1) for line in _read(base / "status").splitlines() if ":" in line)
        try:
            path = os.readlink(base / "exe")
        except OSError:
            path = ""
        found[pid] = Process(pid, status.get("PPid", "").strip(), _read(base / "comm"), path,
                             _read(base / "cmdline"), (status.get("Uid", "").split() or [""])[0])
    return found
