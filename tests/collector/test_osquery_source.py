"""OsquerySource's failure paths and osquery-version differences, against the
stand-in (and the stand-in run as a fake ``osqueryd`` process)."""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from collector.errors import SourceFailed, SourceUnavailable
from collector.osquery_client import OsquerydProcess, OsqueryQueryError
from collector.sources.osquery_source import OsquerySource
from collector.wire import Patch, Software
from tests.osquery_standin import OsqueryStandIn
from tests.osquery_standin.scenarios import PROJECT_ROOT


def test_socket_absent_is_unavailable(tmp_path: Path) -> None:
    source = OsquerySource(socket_path=str(tmp_path / "osquery.em"))
    with pytest.raises(SourceUnavailable, match="no osquery extension socket"):
        source.collect()


def test_osqueryd_binary_absent_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no osqueryd binary"):
        OsquerySource(osqueryd_path=str(tmp_path / "osqueryd")).collect()


def test_missing_optional_table_is_skipped_with_warning(osquery_standin) -> None:  # noqa: F811
    """Old agents lack chocolatey_packages: the rest of the inventory stands."""
    source = OsquerySource(socket_path=osquery_standin("windows", hide_tables=["chocolatey_packages"]))
    snapshot = source.collect()
    assert source.warnings == ["skipped osquery query chocolatey_packages: no such table: chocolatey_packages"]
    assert {s.ecosystem for s in snapshot.software} == {"windows-program"}
    assert len(snapshot.patches) == 3


def test_windows_without_revision_column_reads_the_ubr_from_the_registry(osquery_standin) -> None:  # noqa: F811
    """osquery < 5.12 has no os_version.revision: the UBR comes from the
    registry (windows_ubr), and a warning says why windows_build was skipped."""
    source = OsquerySource(socket_path=osquery_standin("windows", hide_columns={"os_version": ["revision"]}))
    snapshot = source.collect()
    assert snapshot.os.build == "10.0.19045.4291"
    assert source.warnings == ["skipped osquery query windows_build: no such column: revision"]


def test_windows_without_revision_nor_registry_reports_build_without_ubr(osquery_standin) -> None:  # noqa: F811
    source = OsquerySource(socket_path=osquery_standin("windows", hide_columns={"os_version": ["revision"]},
                                                       hide_tables=["registry"]))
    snapshot = source.collect()
    assert snapshot.os.build == "10.0.19045"
    assert source.warnings == ["skipped osquery query windows_build: no such column: revision",
                               "skipped osquery query windows_ubr: no such table: registry"]


def test_missing_required_table_fails(osquery_standin) -> None:  # noqa: F811
    source = OsquerySource(socket_path=osquery_standin("debian", hide_tables=["system_info"]))
    with pytest.raises(OsqueryQueryError, match="no such table: system_info") as caught:
        source.collect()
    assert isinstance(caught.value, SourceFailed)


def test_required_query_without_rows_fails() -> None:
    with OsqueryStandIn("rhel") as standin:
        standin.database.query("DELETE FROM os_version")
        with pytest.raises(SourceFailed, match="os_version returned no rows"):
            OsquerySource(socket_path=standin.socket_path).collect()


def test_only_the_host_platforms_queries_run() -> None:
    with OsqueryStandIn("macos") as standin:
        OsquerySource(socket_path=standin.socket_path).collect()
        sent = " ".join(standin.handler.received)
    assert "FROM apps" in sent and "FROM homebrew_packages" in sent
    for foreign in ("programs", "patches", "deb_packages", "rpm_packages", "chocolatey_packages", "revision"):
        assert foreign not in sent


@pytest.mark.skipif(sys.platform == "win32", reason="fake osqueryd is a shell script")
def test_spawns_osqueryd_when_given_a_binary(tmp_path: Path) -> None:
    """The stand-in as a process plays osqueryd: the spawn path runs for real."""
    fake = tmp_path / "osqueryd"
    fake.write_text(
        f'#!/bin/sh\ncd "{PROJECT_ROOT}"\nexec "{sys.executable}" -m tests.osquery_standin --scenario rhel "$@"\n',
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    source = OsquerySource(osqueryd_path=str(fake), timeout=20)
    snapshot = source.collect()
    assert snapshot.os.platform == "rhel"
    assert Software("openssl", "1:3.0.7-24.el9", "rpm", arch="x86_64", vendor="Red Hat, Inc.",
                    source_package="openssl", release="24.el9") in snapshot.software


@pytest.mark.skipif(sys.platform == "win32", reason="fake osqueryd is a shell script")
def test_osqueryd_that_exits_is_unavailable_with_its_output(tmp_path: Path) -> None:
    fake = tmp_path / "osqueryd"
    fake.write_text("#!/bin/sh\necho 'E0101 cannot create extension socket' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(SourceUnavailable, match="cannot create extension socket"):
        OsquerySource(osqueryd_path=str(fake)).collect()
    process = OsquerydProcess(str(fake))
    with pytest.raises(SourceUnavailable):
        process.start()
    assert not os.path.exists(process.workdir)  # its temp folder is gone


def test_recorded_samples_join_the_windows_inventory(osquery_standin, shared_dir: Path) -> None:  # noqa: F811
    socket_path = osquery_standin("windows", samples_dir=shared_dir / "osquery" / "samples")
    snapshot = OsquerySource(socket_path=socket_path).collect()
    # Zentral's osquery 4.6 MSI row and osqueryi's patches from PR #2837
    assert Software("osquery", "4.6.0", "windows-program", vendor="osquery",
                    install_location="C:\\Program Files\\osquery\\",
                    identifier="{0340040B-67DE-4526-B0F9-C6DF967E9822}") in snapshot.software
    assert Patch("KB3176936", "8/29/2016", "Update") in snapshot.patches
    assert len(snapshot.patches) == 3 + 4


def test_recorded_samples_join_the_linux_and_macos_inventories(osquery_standin, shared_dir: Path) -> None:  # noqa: F811
    samples = shared_dir / "osquery" / "samples"
    debian = OsquerySource(socket_path=osquery_standin("debian", samples_dir=samples)).collect()
    # osquery 4.x row: no Source column value, so the source is the binary name
    assert Software("xz-utils", "5.2.4-1", "deb", arch="amd64", source_package="xz-utils") in debian.software
    rhel = OsquerySource(socket_path=osquery_standin("rhel", samples_dir=samples)).collect()
    kernels = sorted(s.version for s in rhel.software if s.name == "kernel")
    assert "5.14.0-611.8.1.el9_7" in kernels and len(kernels) == 2 + 6
    macos = OsquerySource(socket_path=osquery_standin("macos", samples_dir=samples)).collect()
    apps = {s.identifier: s.version for s in macos.software if s.ecosystem == "macos-app"}
    assert apps["com.apple.PhotoBooth"] == "6.0" and apps["org.python.python"] == "2.7.16"
