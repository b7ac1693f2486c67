"""The one small interface every advisory feed implements.

A feed turns raw input (a file, a folder, an archive) into normalised
:class:`Advisory` values. It never touches the database: ``server.feeds.store``
writes what parsers produce, one document per transaction, so a broken
document never half-updates what is already stored.

Expected non-results are data, not exceptions: a document that cannot be used
comes back as a :class:`Problem` naming the file, the JSON path and the reason.

Affected ranges are written in the ``vers:`` notation
(https://github.com/package-url/purl-spec/blob/main/VERSION-RANGE-SPEC.rst),
e.g. ``vers:deb/<1.2.3-1``, so the matcher has one way to read them.
"""
from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class FeedError(Exception):
    """Base error of every feed: the whole input could not be read."""


@dataclass(frozen=True)
class AffectedItem:
    """One affected product identity with its range and its fix.

    ``ecosystem`` is one of the wire ecosystems (``deb``, ``rpm``,
    ``windows-program``, ``macos-app``, ``pypi``...) or ``windows-os`` (the OS
    itself: ``product`` is the build family such as ``10.0.19045``).
    ``distro`` narrows distro packages to a release (``debian:12``,
    ``ubuntu:22.04``, ``rhel:9``); empty means any.
    """

    ecosystem: str
    product: str
    vers_range: str = ""
    fixed_version: str = ""
    fixed_kbs: tuple[str, ...] = ()
    vendor: str = ""
    distro: str = ""
    cpe: str = ""
    purl: str = ""
    # A range written in prose that we keep verbatim: an admin must review it.
    needs_review: str = ""
    # What the vendor says to do (CSAF vendor_fix remediation): link and text.
    fix_url: str = ""
    fix_details: str = ""


@dataclass(frozen=True)
class Advisory:
    """One advisory as patchgap stores it, whatever its source."""

    source: str  # feed kind: warning, csaf, osv, kev, nvd, msrc
    advisory_id: str
    title: str = ""
    severity: str = ""  # critical | high | medium | low | ""
    cvss: float | None = None
    cves: tuple[str, ...] = ()
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    revision: str = ""  # tracking.version, OSV modified...: newest wins on upsert
    url: str = ""
    exploited: bool = False
    withdrawn: bool = False
    affected: tuple[AffectedItem, ...] = ()
    deadline: dt.date | None = None  # fix-by date: KEV due date, warning deadline


@dataclass(frozen=True)
class Problem:
    """Why (part of) a document was skipped or needs attention."""

    file: str
    reason: str
    path: str = ""  # JSON path / row-column inside the file
    fatal: bool = True  # True: the document was skipped; False: a warning


@dataclass
class Parsed:
    """What a parser made of one document: advisories and problems."""

    source_file: str
    advisories: list[Advisory] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.fatal for p in self.problems)


class Feed(ABC):
    """One kind of advisory input."""

    #: name used by ``feeds add --kind``
    kind: str = ""

    @abstractmethod
    def parse(self, path: Path) -> Iterator[Parsed]:
        """Parse a file, folder or archive into one :class:`Parsed` per document."""


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """Naive timestamps in feeds are taken as UTC (real documents omit zones)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)
