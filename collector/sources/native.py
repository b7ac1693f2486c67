"""Inventory without osquery: the package databases and files Linux already has.

dpkg's status file and/or ``rpm -qa`` for software, os-release for the OS,
the machine id for identity, iproute2 or the kernel for addresses. On other
platforms osquery is the only source for now.
"""
from __future__ import annotations

import logging
import platform
from pathlib import Path

from collector import wire
from collector.config import default_state_dir
from collector.errors import SourceFailed, SourceUnavailable
from collector.i18n import text
from collector.sources import dpkg, linux_host, linux_net, rpm
from collector.sources.interface import Snapshot, Source

log = logging.getLogger(__name__)

class NativeSource(Source):
    """dpkg/rpm, os-release and machine id, read directly (Linux only)."""

    name = "native"

    def __init__(
        self,
        *,
        state_dir: str | Path | None = None,
        dpkg_status: str | Path | None = None,
        rpm_path: str | None = None,
        os_release: str | Path | None = None,
        system: str | None = None,
    ) -> None:
        """Every argument has the real machine's default; tests point them at fixtures.

        ``state_dir`` is where a generated host id is kept when the machine
        has no machine id; ``rpm_path`` defaults to ``rpm`` on PATH, ``""``
        turns rpm off.
        """
        self.state_dir = Path(state_dir) if state_dir else None
        self.dpkg_status = Path(dpkg_status) if dpkg_status else dpkg.DEFAULT_STATUS
        self.rpm_path = rpm.find_rpm() if rpm_path is None else rpm_path
        self.os_release = Path(os_release) if os_release else None
        self.system = system or platform.system()

    def collect(self) -> Snapshot:
        """Inventory this Linux machine; SourceUnavailable elsewhere."""
        if self.system != "Linux":
            raise SourceUnavailable.of("native_unsupported", system=self.system)
        return Snapshot(
            host=linux_host.host_info(self._state_dir()),
            os=linux_host.read_os_info(self.os_release),
            software=self.software(),
            addresses=linux_net.read_addresses(),
        )

    def software(self) -> list[wire.Software]:
        """Packages from every package database present (dpkg, rpm)."""
        has_dpkg = self.dpkg_status.is_file()
        if not has_dpkg and not self.rpm_path:
            raise SourceUnavailable.of("native_no_package_db", dpkg_status=self.dpkg_status)
        rows = dpkg.read_installed(self.dpkg_status) if has_dpkg else []
        if self.rpm_path:
            try:
                rows += rpm.read_installed(self.rpm_path)
            except SourceFailed:
                if not has_dpkg:
                    raise
                # NOTE: Debian can carry an rpm binary (for alien) with no
                # database; dpkg is the real answer there.
                log.warning("%s", text("rpm_unqueryable"), exc_info=True)
        return rows

    def _state_dir(self) -> Path:
        if self.state_dir is None:
            self.state_dir = default_state_dir()
        return self.state_dir
