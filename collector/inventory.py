"""A source's :class:`Snapshot` stamped into the :class:`collector.wire.Report` we send.

Sources may list the same item twice (osquery joins, a dpkg journal entry);
the report carries each software row once, in a stable order, so two reports
of an unchanged machine are identical apart from the timestamp.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timezone
from typing import TypeVar

import collector
from collector import wire
from collector.sources.interface import Snapshot

T = TypeVar("T")


def _unique(rows: list[T], key: Callable[[T], Hashable]) -> list[T]:
    seen: set[Hashable] = set()
    kept: list[T] = []
    for row in rows:
        identity = key(row)
        if identity not in seen:
            seen.add(identity)
            kept.append(row)
    return kept


def _software_key(row: wire.Software) -> tuple[str, str, str, str]:
    return (row.name, row.version, row.ecosystem, row.arch)


def utc_now() -> str:
    """Now, UTC, ISO 8601 with the zone (``2024-05-01T08:00:00+00:00``)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def build_report(snapshot: Snapshot, source_name: str, collected_at: str | None = None) -> wire.Report:
    """The wire report for ``snapshot`` as produced by source ``source_name``.

    Software rows with the same name, version, ecosystem and arch are kept
    once (the first one seen); rows are sorted for stable output.
    """
    software = sorted(
        _unique(snapshot.software, _software_key),
        key=lambda s: (s.ecosystem, s.name, s.arch, s.version),
    )
    return wire.Report(
        host=snapshot.host,
        os=snapshot.os,
        collector=wire.CollectorInfo(
            version=collector.__version__,
            source=source_name,
            osquery_version=snapshot.osquery_version,
        ),
        collected_at=collected_at or utc_now(),
        software=software,
        patches=_unique(snapshot.patches, lambda p: p.hotfix_id),
        addresses=_unique(snapshot.addresses, lambda a: (a.interface, a.address)),
    )
