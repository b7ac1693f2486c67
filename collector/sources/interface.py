"""What every inventory source gives: one :class:`Snapshot` of the machine.

A source is small: it knows how to ask one thing (osqueryd, dpkg's status
file, rpm) and turns the answers into wire types. ``collector.inventory``
stamps the snapshot into a :class:`collector.wire.Report`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from collector import wire


@dataclass(frozen=True)
class Snapshot:
    host: wire.HostInfo
    os: wire.OsInfo
    software: list[wire.Software] = field(default_factory=list)
    patches: list[wire.Patch] = field(default_factory=list)
    addresses: list[wire.Address] = field(default_factory=list)
    osquery_version: str = ""


class Source(ABC):
    """One way of inventorying this machine."""

    #: name used on the command line (``--source``) and in the report
    name: str = ""

    @abstractmethod
    def collect(self) -> Snapshot:
        """Inventory the machine.

        Raises ``SourceUnavailable`` when this source cannot run here and
        ``SourceFailed`` when it ran but could not answer.
        """
