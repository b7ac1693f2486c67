"""One writer at a time, first come first served, on SQLite.

SQLite has one write lock per database. Under contention its busy handler
retries with growing sleeps, in no order, so with a hundred collectors some
waited out the whole 30 s busy timeout and were answered 503 while later
ones went through. Queuing the API's own writers in arrival order inside the
process leaves the busy timeout for the other processes (the admin's CLI).
PostgreSQL locks rows, not the database: its writers need no queue.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import ContextManager


class FairLock:
    """A mutex granted in the order it was asked for."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._queue: deque[threading.Event] = deque()
        self._held = False

    @contextmanager
    def held(self) -> Iterator[None]:
        turn = threading.Event()
        with self._guard:
            if self._held:
                self._queue.append(turn)
            else:
                self._held = True
                turn.set()
        turn.wait()
        try:
            yield
        finally:
            with self._guard:
                if self._queue:
                    self._queue.popleft().set()  # hand over: _held stays True
                else:
                    self._held = False


def write_queue(dialect: str) -> "WriteQueue":
    return WriteQueue(FairLock() if dialect == "sqlite" else None)


class WriteQueue:
    def __init__(self, lock: FairLock | None) -> None:
        self.lock = lock

    def turn(self) -> ContextManager[None]:
        """Hold this while a write transaction runs."""
        return self.lock.held() if self.lock else nullcontext()
