"""Real package and program names for the synthetic fleet.

Linux names come from this machine: ``dpkg-query -W`` (installed packages,
with their source package and version), then ``apt-cache dumpavail`` when
apt lists are present (every package of the configured release), then the
osquery samples in ``../shared/testdata/osquery/samples`` (RHEL package
names). Windows programs are display-name templates as osquery's
``programs`` table reports them. Nothing is downloaded.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "testdata" / "osquery" / "samples"


@dataclass(frozen=True)
class Package:
    name: str
    source: str
    version: str  # a real Debian version of it (the base of its timeline)


def _run(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return ""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _installed() -> list[Package]:
    out = _run(["dpkg-query", "-W", "-f", "${Package}\t${source:Package}\t${Version}\n"])
    rows = [line.split("\t") for line in out.splitlines()]
    return [Package(r[0], r[1] or r[0], r[2]) for r in rows if len(r) == 3 and r[2]]


def _available() -> list[Package]:
    packages: list[Package] = []
    for stanza in _run(["apt-cache", "dumpavail"]).split("\n\n"):
        fields = dict(re.findall(r"^(Package|Source|Version): (.+)$", stanza, re.MULTILINE))
        if "Package" in fields and "Version" in fields:
            source = fields.get("Source", fields["Package"]).split(" ")[0]
            packages.append(Package(fields["Package"], source, fields["Version"]))
    return packages


def _rpm_sample() -> list[Package]:
    path = SAMPLES / "rhel9_rpm_fragments_fleet.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    names = [*data.get("epoch_by_package", {}), *(r["name"] for r in data.get("kernel_rpm_name_version_release", []))]
    return [Package(n, n, "1.0-1") for n in names]


# A few hundred real source packages, for a machine without dpkg.
_FALLBACK = ("openssl curl glibc openssh systemd bash coreutils python3.11 perl zlib xz-utils sudo tar gzip "
             "libxml2 expat sqlite3 krb5 gnutls28 nss firefox-esr thunderbird linux vim git wget rsync").split()


def linux_packages(limit: int) -> list[Package]:
    """Up to ``limit`` distinct binary packages, installed ones first."""
    seen: dict[str, Package] = {}
    for source in (_installed, _available, _rpm_sample):
        for package in source():
            seen.setdefault(package.name, package)
            if len(seen) >= limit:
                return list(seen.values())
    for name in _FALLBACK:
        seen.setdefault(name, Package(name, name, "1.0-1"))
    return list(seen.values())[:limit]


def rpm_epochs() -> dict[str, int]:
    path = SAMPLES / "rhel9_rpm_fragments_fleet.json"
    if not path.is_file():
        return {}
    return {k: int(v) for k, v in json.loads(path.read_text(encoding="utf-8")).get("epoch_by_package", {}).items()}


# Windows programs: display name ({v}: the version, when the name carries it),
# the CPE vendor:product NVD uses ("" = no CPE), and the version line.
PROGRAMS: tuple[tuple[str, str, str], ...] = (
    ("7-Zip {v} (x64)", "7-zip:7-zip", "23.01"), ("Google Chrome", "google:chrome", "124.0.6367.61"),
    ("Mozilla Firefox (x64 en-US)", "mozilla:firefox", "124.0.2"), ("Notepad++ (64-bit x64)", "notepad-plus-plus:notepad++", "8.6.4"),
    ("VLC media player", "videolan:vlc_media_player", "3.0.20"), ("WinRAR {v} (64-bit)", "rarlab:winrar", "6.24"),
    ("Foxit PDF Reader", "foxit:pdf_reader", "2024.1.0"), ("Adobe Acrobat Reader DC - Vietnamese", "adobe:acrobat_reader_dc", "24.001.20643"),
    ("Microsoft Edge", "microsoft:edge_chromium", "124.0.2478.51"), ("Zoom Workplace (64-bit)", "zoom:meeting_software", "6.0.2"),
    ("UniKey {v}", "", "4.6"), ("EVKey", "", "5.2"), ("Zalo", "", "24.4.1"), ("UltraViewer", "", "6.6"),
    ("TeamViewer", "teamviewer:teamviewer", "15.52.3"), ("AnyDesk", "anydesk:anydesk", "8.0.9"),
    ("PuTTY release {v} (64-bit)", "simon_tatham:putty", "0.80"), ("WinSCP {v}", "winscp:winscp", "6.3.3"),
    ("Wireshark {v} 64-bit", "wireshark:wireshark", "4.2.4"), ("FileZilla Client {v}", "filezilla-project:filezilla_client", "3.67.0"),
    ("KeePass Password Safe {v}", "keepass:keepass", "2.56"), ("Oracle VM VirtualBox {v}", "oracle:vm_virtualbox", "7.0.14"),
    ("LibreOffice {v}", "libreoffice:libreoffice", "24.2.2"), ("Python {v} (64-bit)", "python:python", "3.12.2"),
    ("Git", "git-scm:git", "2.44.0"), ("Java 8 Update 401 (64-bit)", "oracle:jre", "8.0.4010"),
    ("Microsoft Visual C++ 2015-2022 Redistributable (x64) - {v}", "", "14.38.33130"),
    ("Microsoft 365 Apps for enterprise - en-us", "microsoft:365_apps", "16.0.17425"),
    ("Microsoft Teams", "microsoft:teams", "1.7.00.6058"), ("Microsoft OneDrive", "microsoft:onedrive", "24.060.0324"),
    ("Microsoft Visual Studio Code (User)", "microsoft:visual_studio_code", "1.88.1"), ("Skype version {v}", "microsoft:skype", "8.116"),
    ("Opera Stable {v}", "opera:opera_browser", "109.0.5097.45"), ("Cốc Cốc", "", "123.0.6312"),
    ("Node.js", "nodejs:node.js", "20.12.2"), ("Dropbox", "dropbox:dropbox", "197.4.7571"), ("Slack", "slack:slack", "4.37.101"),
    ("WPS Office", "kingsoft:wps_office", "12.2.0.16731"), ("Tor Browser", "torproject:tor_browser", "13.0.14"),
    ("WinZip {v}", "corel:winzip", "28.0"), ("IrfanView {v} (64-bit)", "irfanview:irfanview", "4.67"),
    ("SumatraPDF", "sumatrapdfreader:sumatrapdf", "3.5.2"), ("OBS Studio", "obsproject:obs_studio", "30.1.2"),
    ("Audacity {v}", "audacityteam:audacity", "3.5.1"), ("GIMP {v}", "gimp:gimp", "2.10.36"),
    ("VMware Workstation", "vmware:workstation", "17.5.1"), ("FortiClient VPN", "fortinet:forticlient", "7.2.4"),
    ("Bkav Pro", "", "5.6"), ("osquery", "", "5.12.1"), ("Microsoft Edge WebView2 Runtime", "", "124.0.2478.51"),
    ("Realtek High Definition Audio Driver", "", "6.0.9239.1"), ("NVIDIA Graphics Driver {v}", "", "551.86"),
    ("Microsoft Update Health Tools", "", "5.72.0.0"), ("Microsoft .NET Runtime - {v} (x64)", "", "8.0.4"),
    ("Microsoft ODBC Driver 17 for SQL Server", "", "17.10.5.1"), ("Kaspersky Endpoint Security for Windows", "", "12.4.0.467"),
    ("Canon MF Scan Utility", "", "1.21.0.6"), ("HP LaserJet Pro MFP M127-M128", "", "12.0.0"),
    ("Phần mềm Kế toán Doanh nghiệp", "", "2023.1"), ("Chữ ký số VNPT-CA Plugin", "", "1.0.5.2"),
)
