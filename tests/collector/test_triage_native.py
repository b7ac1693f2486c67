"""The triage snapshot without osquery: /proc sockets and processes, on a
/proc built in a folder (every path exact) and on this machine itself; the
shaping that keeps an upload within the wire limits."""
from __future__ import annotations

import dataclasses
import os
import socket
import sys
from pathlib import Path

import pytest

from collector import limits, wire
from collector.errors import SourceUnavailable
from collector.triage import build_upload
from collector.triage.interface import TriageRun, clean, fit, result
from collector.triage.native import NEEDS_OSQUERY, NativeTriage
from collector.triage.procnet import decode_address, is_remote, parse_sockets

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
TCP = HEADER + (
    "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0\n"
    "   1: 0100007F:1538 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   105        0 1002 1 0 20 4 0\n"
    "   2: 390AA8C0:A3F0 427100CB:0D05 01 00000000:00000000 00:00000000 00000000    33        0 1003 1 0 20 4 0\n")
TCP6 = HEADER + (
    "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 1004 1 0 100 0 0\n"
    "   1: 0000000000000000FFFF0000390AA8C0:9CB0 0000000000000000FFFF0000427100CB:0D05 01 "
    "00000000:00000000 00:00000000 00000000    33        0 1005 1 0 20 4 0\n")
UDP = HEADER + "   7: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1006 2 0 0\n"

little_endian = pytest.mark.skipif(sys.byteorder != "little", reason="the sample tables are a little-endian kernel's")


@little_endian
def test_proc_net_addresses_and_states() -> None:
    assert decode_address("0100007F") == "127.0.0.1"
    assert decode_address("0000000000000000FFFF0000427100CB") == "::ffff:203.0.113.66"
    sockets = parse_sockets(TCP, "tcp", 4)
    assert [(s.local_address, s.local_port, s.remote_address, s.remote_port, s.state, s.inode) for s in sockets] == [
        ("0.0.0.0", 22, "0.0.0.0", 0, "LISTEN", 1001), ("127.0.0.1", 5432, "127.0.0.1", 54000, "ESTABLISHED", 1002),
        ("192.168.10.57", 41968, "203.0.113.66", 3333, "ESTABLISHED", 1003)]
    assert [s.listening for s in sockets] == [True, False, False]
    assert [is_remote(s.remote_address) for s in sockets] == [False, False, True]
    assert not is_remote("::ffff:127.0.0.1") and is_remote("::ffff:203.0.113.66")


def fake_proc(root: Path) -> Path:
    """/proc with two processes: sshd (pid 612, socket 1001) and a miner (pid 4242, sockets 1003, 1005);
    pid 900's descriptors cannot be listed (as another user's process without root)."""
    (root / "net").mkdir(parents=True)
    for name, text in (("tcp", TCP), ("tcp6", TCP6), ("udp", UDP)):
        (root / "net" / name).write_text(text)
    for pid, ppid, comm, exe, argv, uid, inodes in (
            (612, 1, "sshd", "/usr/sbin/sshd", [b"sshd: /usr/sbin/sshd -D [listener]"], 0, [1001]),
            (4242, 1, "kworkerd", "/tmp/.x/kworkerd", [b"/tmp/.x/kworkerd", b"-o", b"203.0.113.66:3333"], 33,
             [1003, 1005])):
        base = root / str(pid)
        (base / "fd").mkdir(parents=True)
        (base / "comm").write_text(comm + "\n")
        (base / "cmdline").write_bytes(b"\x00".join(argv) + b"\x00")
        (base / "status").write_text(f"Name:\t{comm}\nPPid:\t{ppid}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n")
        (base / "exe").symlink_to(exe)
        for number, inode in enumerate(inodes, start=3):
            (base / "fd" / str(number)).symlink_to(f"socket:[{inode}]")
        (base / "fd" / "0").symlink_to("/dev/null")
    (root / "900").mkdir()
    (root / "900" / "fd").write_text("")  # listing it fails, whoever runs the test
    return root


@little_endian
def test_native_triage_of_a_built_proc(tmp_path: Path) -> None:
    found = NativeTriage(fake_proc(tmp_path / "proc"), system="Linux").run()
    results = {r.name: r for r in found.results}
    assert results["listening_ports"].rows == [
        ["612", "sshd", "/usr/sbin/sshd", "0.0.0.0", "22", "6", "2"],
        ["", "", "", "0.0.0.0", "68", "17", "2"],  # UDP bound with no peer; no process we know holds it
        ["", "", "", "::", "80", "6", "10"]]
    assert results["remote_connections"].rows == [
        ["4242", "kworkerd", "/tmp/.x/kworkerd", "/tmp/.x/kworkerd -o 203.0.113.66:3333", "192.168.10.57", "41968",
         "203.0.113.66", "3333", "6", "ESTABLISHED"],
        ["4242", "kworkerd", "/tmp/.x/kworkerd", "/tmp/.x/kworkerd -o 203.0.113.66:3333", "::ffff:192.168.10.57",
         "40112", "::ffff:203.0.113.66", "3333", "6", "ESTABLISHED"]]
    assert results["processes"].rows == [
        ["612", "1", "sshd", "/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D [listener]", "0"],
        ["900", "", "", "", "", ""],
        ["4242", "1", "kworkerd", "/tmp/.x/kworkerd", "/tmp/.x/kworkerd -o 203.0.113.66:3333", "33"]]
    assert found.skipped == [f"{name}: needs osquery on this machine (https://osquery.io/downloads)"
                             for name in NEEDS_OSQUERY] + [
        "socket owners: 1 processes of other users cannot be read without root; their sockets show no process"]


@pytest.mark.skipif(sys.platform != "linux", reason="reads this Linux machine's /proc")
def test_native_triage_on_this_machine_sees_a_socket_we_listen_on() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = str(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", int(port))):
            found = NativeTriage().run()
    results = {r.name: r for r in found.results}
    [ours] = [row for row in results["listening_ports"].rows if row[3:5] == ["127.0.0.1", port]]
    assert ours[0] == str(os.getpid()) and ours[5:] == ["6", "2"]
    assert os.path.realpath(ours[2]) == os.path.realpath(sys.executable)
    # our loopback connection is no remote one
    assert not [row for row in results["remote_connections"].rows if port in (row[5], row[7])]
    assert str(os.getpid()) in [row[0] for row in results["processes"].rows]
    assert [line.split(":")[0] for line in found.skipped][:4] == list(NEEDS_OSQUERY)


def test_native_triage_elsewhere_needs_osquery() -> None:
    with pytest.raises(SourceUnavailable, match="needs osquery"):
        NativeTriage(system="Windows").run()


def test_cells_are_cleaned_and_cut_visibly() -> None:
    assert clean("a\x00b") == "a b" and clean(None) == "" and clean(7) == "7"
    long = clean("x" * (limits.TRIAGE_CELL + 10))
    assert len(long) == limits.TRIAGE_CELL and long.endswith("…")
    assert clean("\ud800") == "?"
    capped = result("t", ["a"], ([str(n)] for n in range(10)), 4)
    assert (capped.rows, capped.truncated) == ([["0"], ["1"], ["2"], ["3"]], True)


def test_an_upload_is_cut_to_the_body_limit_largest_result_first() -> None:
    big = wire.TriageResult("processes", ["cmdline"], [["y" * 1000] for _ in range(900)])
    small = wire.TriageResult("listening_ports", ["port"], [["22"], ["80"]])
    upload = build_upload(TriageRun([small, big], ["crontab: needs osquery"]), "uuid-1", "native")
    assert len(wire.dumps(upload)) <= limits.MAX_TRIAGE_BYTES and upload.results[1].truncated is False
    cut = fit(upload, max_bytes=200_000)
    assert len(wire.dumps(cut)) <= 200_000
    assert cut.results[0] == small and cut.results[1].truncated and 0 < len(cut.results[1].rows) < 900
    assert dataclasses.replace(cut, results=[]) == dataclasses.replace(upload, results=[])
