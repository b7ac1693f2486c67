"""Builders of wire reports for tests: hand-written machines, nothing mocked."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.db.models import Host
from server.inventory import enroll
from server.inventory.service import apply_report


def store_report(
    session: Session, report: wire.Report, unit: str = "Phòng Tài chính", now: dt.datetime | None = None
) -> Host:
    """Store a report as the API would (the host is created in ``unit`` the
    first time, as enrollment does) and match it."""
    host = session.scalar(select(Host).where(Host.uuid == report.host.uuid))
    if host is None:
        unit_row = enroll.get_or_create_unit(session, unit)
        host = Host(uuid=report.host.uuid, hostname=report.host.hostname, unit_id=unit_row.id)
        session.add(host)
        session.flush()
    apply_report(session, host, report, now or dt.datetime.now(dt.timezone.utc))
    return host


def software(name: str, version: str, ecosystem: str = "deb", source: str = "", arch: str = "amd64") -> wire.Software:
    return wire.Software(name=name, version=version, ecosystem=ecosystem, arch=arch, source_package=source)


def debian_host(
    uuid: str = "11111111-1111-1111-1111-111111111111",
    hostname: str = "ke-toan-01",
    packages: list[wire.Software] | None = None,
    collected_at: dt.datetime | None = None,
    version: str = "12",
    addresses: list[wire.Address] | None = None,
) -> wire.Report:
    collected_at = collected_at or dt.datetime.now(dt.timezone.utc)
    return wire.Report(
        host=wire.HostInfo(uuid=uuid, hostname=hostname, hardware_vendor="Dell Inc.", hardware_model="OptiPlex 7090"),
        os=wire.OsInfo(
            name="Debian GNU/Linux", version=f"{version} (bookworm)", platform="debian", platform_like="",
            codename="bookworm", major=int(version), arch="x86_64",
        ),
        collector=wire.CollectorInfo(version="0.1.0", source="native"),
        collected_at=collected_at.isoformat(),
        software=packages if packages is not None else [
            software("openssh-client", "1:9.2p1-2+deb12u2", source="openssh"),
            software("openssh-server", "1:9.2p1-2+deb12u2", source="openssh"),
            software("libc6", "2.36-9+deb12u14", source="glibc"),
            software("openssl", "3.0.11-1~deb12u2"),
            software("curl", "7.88.1-10+deb12u14"),
        ],
        addresses=addresses if addresses is not None else [
            wire.Address(interface="eth0", address="10.10.1.21", mask="255.255.255.0", mac="52:54:00:12:34:56")
        ],
    )


def windows_host(
    uuid: str = "22222222-2222-2222-2222-222222222222",
    hostname: str = "MOTCUA-PC07",
    build: str = "10.0.19045.4291",
    kbs: tuple[str, ...] = ("KB5036892",),
    programs: list[wire.Software] | None = None,
) -> wire.Report:
    major, minor, build_no = (int(p) for p in build.split(".")[:3])
    return wire.Report(
        host=wire.HostInfo(uuid=uuid, hostname=hostname),
        os=wire.OsInfo(
            name="Microsoft Windows 10 Pro", version="10.0.19045", platform="windows", major=major, minor=minor,
            build=build, arch="64-bit",
        ),
        collector=wire.CollectorInfo(version="0.1.0", source="osquery", osquery_version="5.12.1"),
        collected_at=dt.datetime.now(dt.timezone.utc).isoformat(),
        software=programs if programs is not None else [
            software("7-Zip 23.01 (x64)", "23.01", ecosystem="windows-program", arch=""),
            software("Google Chrome", "124.0.6367.61", ecosystem="windows-program", arch=""),
        ],
        patches=[wire.Patch(hotfix_id=kb) for kb in kbs],
        addresses=[wire.Address(interface="Ethernet", address="192.168.5.17", mac="00:15:5d:01:02:03")],
    )
