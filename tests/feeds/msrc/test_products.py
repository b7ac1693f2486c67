"""MSRC product names -> Windows build families, distro labels and program names."""
from __future__ import annotations

import pytest

from server.feeds.msrc.products import (
    ProgramName,
    WindowsName,
    linux_distro,
    program_name,
    windows_name,
)


@pytest.mark.parametrize(("name", "expected"), [
    ("Windows 10 Version 22H2 for x64-based Systems", WindowsName("10.0.19045", "windows-10-22h2-x64")),
    ("Windows 10 Version 21H2 for ARM64-based Systems", WindowsName("10.0.19044", "windows-10-21h2-arm64")),
    ("Windows 10 Version 1809 for 32-bit Systems", WindowsName("10.0.17763", "windows-10-1809-x86")),
    ("Windows 10 for x64-based Systems", WindowsName("10.0.10240", "windows-10-1507-x64")),
    ("Windows 11 version 21H2 for x64-based Systems", WindowsName("10.0.22000", "windows-11-21h2-x64")),
    ("Windows 11 Version 23H2 for ARM64-based Systems", WindowsName("10.0.22631", "windows-11-23h2-arm64")),
    ("Windows 11 Version 24H2 for x64-based Systems", WindowsName("10.0.26100", "windows-11-24h2-x64")),
    ("Windows Server 2019", WindowsName("10.0.17763", "windows-server-2019")),
    ("Windows Server 2022 (Server Core installation)", WindowsName("10.0.20348", "windows-server-2022")),
    ("Windows Server 2022, 23H2 Edition (Server Core installation)",
     WindowsName("10.0.25398", "windows-server-2022-23h2")),
    ("Windows Server 2012 R2", WindowsName("6.3.9600", "windows-server-2012-r2")),
    ("Windows Server 2008 R2 for x64-based Systems Service Pack 1",
     WindowsName("6.1.7601", "windows-server-2008-r2-sp1-x64")),
    ("Windows Server 2008 for 32-bit Systems Service Pack 2 (Server Core installation)",
     WindowsName("6.0.6003", "windows-server-2008-sp2-x86")),
    ("Windows Server, version 20H2 (Server Core Installation)",
     WindowsName("10.0.19042", "windows-server-20h2")),
    ("Windows 8.1 for x64-based systems", WindowsName("6.3.9600", "windows-8.1-x64")),
    ("Windows 7 for x64-based Systems Service Pack 1", WindowsName("6.1.7601", "windows-7-sp1-x64")),
    ("Windows 12 Version 26H2 for x64-based Systems", None),
    ("Microsoft Office 2016 (32-bit edition)", None),
])
def test_windows_names(name: str, expected: WindowsName | None) -> None:
    assert windows_name(name) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Microsoft Edge (Chromium-based)", ProgramName("microsoft edge")),
    ("Microsoft Office 2019 for 64-bit editions", ProgramName("microsoft office 2019")),
    ("Microsoft Office 2016 (32-bit edition)", ProgramName("microsoft office 2016")),
    ("Microsoft 365 Apps for Enterprise for 32-bit Systems", ProgramName("microsoft 365 apps for enterprise")),
    ("Microsoft Visual Studio 2022 version 17.10", ProgramName("microsoft visual studio 2022", "17.10")),
    ("Microsoft Visual Studio 2019 version 16.11 (includes 16.0 - 16.10)",
     ProgramName("microsoft visual studio 2019", "16.11")),
    ("Azure File Sync v16.0", ProgramName("azure file sync", "16.0")),
])
def test_program_names(name: str, expected: ProgramName) -> None:
    assert program_name(name) == expected


def test_linux_distros() -> None:
    # Major only, as hosts report it (server.inventory.distro) and MSRC's CSAF
    # names it ("azl3", "cbl2").
    assert linux_distro("CBL Mariner 2.0 ARM") == "mariner:2"
    assert linux_distro("CBL Mariner 1.0 x64") == "mariner:1"
    assert linux_distro("Azure Linux 3.0 x64") == "azurelinux:3"
    assert linux_distro("Windows Server 2019") == ""
