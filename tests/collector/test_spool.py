"""The spool: real files in a temp dir, and delivery through a working fake server."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from collector.errors import ServerRejected, ServerUnreachable
from collector.spool import REJECTED, Spool, deliver, write_private


class FakeServer:
    """A ``send`` callable that behaves like the server: records or refuses bodies."""

    def __init__(self, *, down: bool = False, refuse: dict[bytes, int] | None = None) -> None:
        self.down, self.refuse, self.received = down, refuse or {}, []

    def __call__(self, body: bytes) -> str:
        if self.down:
            raise ServerUnreachable("connection refused")
        if body in self.refuse:
            raise ServerRejected(self.refuse[body], "invalid report")
        self.received.append(body)
        return "accepted"


def test_pending_is_oldest_first(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    paths = [spool.put(f"report {i}".encode()) for i in range(5)]
    assert spool.pending() == paths
    assert [p.read_bytes() for p in spool.pending()] == [f"report {i}".encode() for i in range(5)]


def test_files_are_owner_only(tmp_path: Path) -> None:
    path = Spool(tmp_path / "spool").put(b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_leftover_temp_file_is_ignored(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    (tmp_path / ".tmp-abc123").write_bytes(b"half a report")  # a crash mid-write
    (tmp_path / "notes.txt").write_text("not ours")
    path = spool.put(b"whole")
    assert spool.pending() == [path]
    write_private(tmp_path / "again.json.gz", b"y")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-") and p.name != ".tmp-abc123"]


def test_bound_on_files_drops_oldest(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spool = Spool(tmp_path, max_files=3)
    paths = [spool.put(bytes([i])) for i in range(5)]
    assert spool.pending() == paths[2:]
    assert "dropped the oldest report" in caplog.text


def test_bound_on_bytes_drops_oldest_but_keeps_newest(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=250)
    paths = [spool.put(b"x" * 100) for _ in range(3)]
    assert spool.pending() == paths[1:]
    big = spool.put(b"y" * 1000)  # larger than the whole bound: still kept, alone
    assert spool.pending() == [big]


def test_server_down_spools_the_report(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    result = deliver(spool, FakeServer(down=True), b"new")
    assert result.outcome == "spooled" and result.path is not None
    assert spool.pending() == [result.path] and result.path.read_bytes() == b"new"


def test_spooled_reports_go_first_and_are_removed(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.put(b"old 1")
    spool.put(b"old 2")
    server = FakeServer()
    result = deliver(spool, server, b"new")
    assert result.outcome == "sent" and result.flushed == 2 and result.accepted == "accepted"
    assert server.received == [b"old 1", b"old 2", b"new"]
    assert spool.pending() == []


def test_refused_spooled_report_moves_to_rejected(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.put(b"bad")
    spool.put(b"good")
    server = FakeServer(refuse={b"bad": 422})
    result = deliver(spool, server, b"new")
    assert result.outcome == "sent" and server.received == [b"good", b"new"]
    [moved] = result.rejected
    assert moved.parent == tmp_path / REJECTED and moved.read_bytes() == b"bad"
    assert "(422)" in moved.with_name(moved.name + ".reason.txt").read_text()
    assert spool.pending() == []


def test_refused_new_report_is_set_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    result = deliver(spool, FakeServer(refuse={b"new": 400}), b"new")
    assert result.outcome == "rejected" and result.path is not None
    assert result.path.parent == tmp_path / REJECTED and result.path.read_bytes() == b"new"
    assert spool.pending() == []


def test_401_keeps_everything_spooled(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    old = spool.put(b"old")
    result = deliver(spool, FakeServer(refuse={b"old": 401, b"new": 401}), b"new")
    assert result.outcome == "rejected"
    assert spool.pending() == [old, result.path]
    assert not (tmp_path / REJECTED).exists()


def test_enrollment_refused_keeps_the_report(tmp_path: Path) -> None:
    def refuse_enrollment() -> None:
        raise ServerRejected(403, "unknown enroll secret")

    spool = Spool(tmp_path)
    result = deliver(spool, FakeServer(), b"new", prepare=refuse_enrollment)
    assert result.outcome == "rejected" and spool.pending() == [result.path]
