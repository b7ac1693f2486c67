"""Concurrent collectors over real HTTP: every report is answered 200 and
stored, on SQLite (writers wait for the lock instead of failing with
"database is locked") and on PostgreSQL (hosts creating the same new
software rows at once do not collide on the unique key)."""
from __future__ import annotations

import datetime as dt
import threading

import httpx
from sqlalchemy import select

from collector import wire
from server.db.models import Host, HostSoftware, Software
from tests.reports import debian_host, software
from tests.server.test_api import enroll_host, post_report

SENDERS = 8
REPORTS = 10
START = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=REPORTS + 1)


def report_of(sender: int, number: int) -> wire.Report:
    # Every sender's n-th report brings the same new package versions, so
    # all of them try to create the same software rows at the same moment.
    packages = [software(f"pkg{p}", f"1.{number}-1") for p in range(40)]
    packages.append(software(f"own{sender}", f"{number}.0-1"))
    return debian_host(uuid=f"uuid-{sender}", hostname=f"pc-{sender}", packages=packages,
                       collected_at=START + dt.timedelta(hours=number))


def test_eight_senders_ten_reports_each_all_stored(api: str, secret: str, sessions) -> None:  # type: ignore[no-untyped-def]
    statuses: list[int] = []
    lock = threading.Lock()
    with httpx.Client(base_url=api, timeout=120) as client:
        keys = [enroll_host(client, secret, report_of(sender, 0)) for sender in range(SENDERS)]
    barrier = threading.Barrier(SENDERS)

    def send(sender: int) -> None:
        with httpx.Client(base_url=api, timeout=120) as client:
            barrier.wait()
            for number in range(REPORTS):
                status = post_report(client, keys[sender], report_of(sender, number)).status_code
                with lock:
                    statuses.append(status)

    threads = [threading.Thread(target=send, args=(sender,)) for sender in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * SENDERS * REPORTS
    with sessions() as session:
        for sender in range(SENDERS):
            host = session.scalar(select(Host).where(Host.uuid == f"uuid-{sender}"))
            stored = set(session.execute(
                select(Software.name, Software.version).join(HostSoftware, HostSoftware.software_id == Software.id)
                .where(HostSoftware.host_id == host.id)
            ).all())
            last = report_of(sender, REPORTS - 1)
            assert stored == {(s.name, s.version) for s in last.software}


def test_a_report_waits_for_another_creating_the_same_software(sessions) -> None:  # type: ignore[no-untyped-def]
    """The collision made deterministic: the first transaction has created the
    rows but not committed when the second one needs them."""
    from server.inventory.service import apply_report
    from tests.reports import store_report

    now = dt.datetime.now(dt.timezone.utc)
    with sessions.begin() as session:
        for sender in (1, 2):
            store_report(session, report_of(sender, 0), now=now)
    first = sessions()
    first.begin()
    host = first.scalar(select(Host).where(Host.uuid == "uuid-1"))
    apply_report(first, host, report_of(1, 1), now)  # new rows, not committed yet
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with sessions.begin() as session:
                other = session.scalar(select(Host).where(Host.uuid == "uuid-2"))
                apply_report(session, other, report_of(2, 1), now)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(1.0)  # it must be waiting for the first transaction, not failed
    assert thread.is_alive() and errors == []
    first.commit()
    first.close()
    thread.join(60)
    assert errors == []
    with sessions() as session:
        names = session.scalars(select(Software.version).where(Software.name == "pkg0")).all()
    assert sorted(names) == ["1.0-1", "1.1-1"]
