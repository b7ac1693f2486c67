"""Reports that could not be sent yet, kept on disk until the server takes them.

Each report is one gzip JSON file (exactly the request body), written
atomically with owner-only permissions. Delivery sends what is spooled first,
oldest first, and removes a file only once the server accepted it. A report
the server refuses (4xx other than 401) goes to ``rejected/`` with the reason
instead of being retried forever. The spool is bounded; when full the OLDEST
report is dropped, because the newest inventory is the one that matters.
"""
from __future__ import annotations

import itertools
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from collector.errors import ServerRejected, ServerUnreachable
from collector.i18n import text

log = logging.getLogger(__name__)

SUFFIX = ".json.gz"
REJECTED = "rejected"
_sequence = itertools.count()


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + rename), mode 0600.

    Readers see the old file or the new one, never half of one. On Windows the
    mode bits are not ACLs: the file inherits its folder's ACL for now.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_name() -> str:
    # time first so that name order is age order
    return f"{time.time_ns():020d}-{os.getpid()}-{next(_sequence):04d}{SUFFIX}"


class Spool:
    """A bounded folder of pending report bodies."""

    def __init__(self, directory: Path, *, max_files: int = 50, max_bytes: int = 50 * 1024 * 1024) -> None:
        self.directory = Path(directory)
        self.max_files = max_files
        self.max_bytes = max_bytes

    def pending(self) -> list[Path]:
        """Spooled reports, oldest first; temp files of interrupted writes are ignored."""
        return self._list(self.directory)

    def put(self, body: bytes) -> Path:
        """Spool one report body and enforce the bounds; returns its path."""
        path = self.directory / _new_name()
        write_private(path, body)
        self._enforce(self.directory, keep=path)
        return path

    def remove(self, path: Path) -> None:
        """Forget a report the server accepted."""
        path.unlink(missing_ok=True)

    def reject(self, path: Path, reason: str) -> Path:
        """Move a spooled report to ``rejected/`` with a ``.reason.txt`` beside it."""
        target = self.directory / REJECTED / path.name
        write_private(target.with_name(path.name + ".reason.txt"), reason.encode("utf-8") + b"\n")
        os.replace(path, target)
        self._enforce(target.parent, keep=target)
        return target

    def put_rejected(self, body: bytes, reason: str) -> Path:
        """Keep a report refused on first sending in ``rejected/``, for whoever investigates."""
        target = self.directory / REJECTED / _new_name()
        write_private(target, body)
        write_private(target.with_name(target.name + ".reason.txt"), reason.encode("utf-8") + b"\n")
        self._enforce(target.parent, keep=target)
        return target

    @staticmethod
    def _list(directory: Path) -> list[Path]:
        try:
            names = sorted(p for p in directory.iterdir() if p.name.endswith(SUFFIX) and not p.name.startswith("."))
        except FileNotFoundError:
            return []
        return [p for p in names if p.is_file()]

    def _enforce(self, directory: Path, keep: Path) -> None:
        files = self._list(directory)
        sizes = {p: p.stat().st_size for p in files}
        total = sum(sizes.values())
        while len(files) > 1 and (len(files) > self.max_files or total > self.max_bytes):
            oldest = files.pop(0)
            if oldest == keep:  # never drop the report just written
                files.append(oldest)
                continue
            total -= sizes[oldest]
            oldest.unlink(missing_ok=True)
            oldest.with_name(oldest.name + ".reason.txt").unlink(missing_ok=True)
            log.warning("%s", text("spool_full", directory=directory, files=self.max_files, size=self.max_bytes,
                                   name=oldest.name))


@dataclass
class Delivery:
    """What happened to one report: ``sent``, ``spooled`` or ``rejected``."""

    outcome: str
    message: str = ""
    path: Path | None = None  # where it was spooled or set aside
    accepted: object = None  # the server's answer when sent
    flushed: int = 0  # spooled reports delivered before it
    rejected: list[Path] = field(default_factory=list)  # spooled reports set aside


def deliver(
    spool: Spool,
    send: Callable[[bytes], object],
    body: bytes,
    prepare: Callable[[], object] | None = None,
    send_current: Callable[[bytes], object] | None = None,
) -> Delivery:
    """Send spooled reports (oldest first), then ``body``; spool it if the
    server cannot be reached. ``send_current`` sends ``body`` in place of
    ``send`` (as a delta when it can): the spool only ever holds full reports.

    ``prepare`` (enrollment) runs first; ``prepare`` and ``send`` raise
    ServerUnreachable / ServerRejected. A refusal that is not about the report
    itself (401, or ``prepare`` refused) keeps the report in the spool.
    """
    result = Delivery(outcome="sent")
    prepared = prepare is None
    try:
        if prepare is not None:
            prepare()
            prepared = True
        for path in spool.pending():
            try:
                send(path.read_bytes())
            except FileNotFoundError:
                continue  # another collector process sent it meanwhile
            except ServerRejected as exc:
                if exc.status == 401:
                    raise  # the node key's fault, not the report's: keep it
                result.rejected.append(spool.reject(path, str(exc)))
                continue
            spool.remove(path)
            result.flushed += 1
        result.accepted = (send_current or send)(body)
    except ServerUnreachable as exc:
        result.outcome, result.message, result.path = "spooled", str(exc), spool.put(body)
    except ServerRejected as exc:
        result.outcome, result.message = "rejected", str(exc)
        keep = exc.status == 401 or not prepared
        result.path = spool.put(body) if keep else spool.put_rejected(body, str(exc))
    return result
