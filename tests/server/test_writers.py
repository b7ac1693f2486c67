"""The API's SQLite writers queue in arrival order; health answers on its
own connection while writers hold the database."""
from __future__ import annotations

import threading
import time

from server.api.writers import FairLock, write_queue


def test_the_lock_is_granted_in_the_order_it_was_asked_for() -> None:
    lock, order = FairLock(), []
    first = lock.held()
    first.__enter__()
    threads = []
    for n in range(8):
        thread = threading.Thread(target=lambda n=n: _take(lock, order, n))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)  # each asks after the one before
    first.__exit__(None, None, None)
    for thread in threads:
        thread.join(10)
    assert order == list(range(8))


def _take(lock: FairLock, order: list[int], n: int) -> None:
    with lock.held():
        order.append(n)


def test_only_sqlite_queues_its_writers() -> None:
    assert write_queue("sqlite").lock is not None and write_queue("postgresql").lock is None


def test_health_answers_while_another_connection_holds_the_write_lock(client, engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as holder:
        holder.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE on SQLite: the write lock is held
        started = time.monotonic()
        response = client.get("/api/v1/health")
        assert response.status_code == 200 and time.monotonic() - started < 5
