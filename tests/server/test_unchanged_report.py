"""A report whose software set is that of the host's last applied report
skips the software diff; any other set is diffed in full, also after an
unchanged one, and a delta rebuilt from the stored state is no exception."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.db.models import HostReportBase, HostSoftware, Software
from server.inventory.ingest import SOFTWARE_DIGEST, software_digest, software_key
from server.inventory.service import apply_report
from tests.reports import debian_host, software, store_report

START = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def report(hour: int, packages: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    return debian_host(packages=[software(name, version) for name, version in packages],
                       collected_at=START + dt.timedelta(hours=hour))


def stored(session, host_id: int) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(name, version) for name, version in session.execute(
        select(Software.name, Software.version).join(HostSoftware, HostSoftware.software_id == Software.id)
        .where(HostSoftware.host_id == host_id))}


def test_same_set_again_changes_nothing_and_another_set_is_diffed(sessions) -> None:  # type: ignore[no-untyped-def]
    a = [("openssl", "3.0.11-1"), ("bash", "5.2-2")]
    b = [("openssl", "3.0.13-1"), ("bash", "5.2-2"), ("curl", "7.88-1")]
    with sessions.begin() as session:
        host = store_report(session, report(0, a), now=START)
        host_id = host.id
    with sessions.begin() as session:
        base = session.get(HostReportBase, host_id)
        assert base.header[SOFTWARE_DIGEST] == software_digest(software_key(item) for item in report(0, a).software)
    answers = []
    for hour, packages in ((1, a), (2, b), (3, b), (4, a), (5, a)):
        with sessions.begin() as session:
            host = session.get(type(host), host_id)
            answer = apply_report(session, host, report(hour, packages), START + dt.timedelta(hours=hour))
            answers.append((answer.software_added, answer.software_removed))
            assert stored(session, host_id) == set(packages)
    assert answers == [(0, 0), (2, 1), (0, 0), (1, 2), (0, 0)]
