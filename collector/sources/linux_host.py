"""Who a Linux machine is and what it runs: os-release, machine id, hardware.

Everything here reads small files; nothing needs root except the generated
host id fallback, which is written to the collector's state dir.
"""
from __future__ import annotations

import logging
import platform
import re
import shlex
import socket
import uuid
from pathlib import Path

from collector import wire
from collector.i18n import text
from collector.spool import write_private

log = logging.getLogger(__name__)

OS_RELEASE_PATHS = (Path("/etc/os-release"), Path("/usr/lib/os-release"))
MACHINE_ID_PATHS = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
HOST_ID_FILE = "host-id"  # in the state dir, next to the node key
DMI = Path("/sys/class/dmi/id")


def parse_os_release(text: str) -> dict[str, str]:
    """``KEY=value`` lines of os-release(5), shell quoting and escapes undone."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, raw = line.strip().partition("=")
        if not sep or key.startswith("#") or not key:
            continue
        try:
            values[key] = " ".join(shlex.split(raw))
        except ValueError:  # unbalanced quote: take it as written
            values[key] = raw.strip().strip("\"'")
    return values


def _version_numbers(version_id: str) -> tuple[int, int, int]:
    """``9.3`` -> (9, 3, 0); ``22.04`` -> (22, 4, 0); anything else -> zeros."""
    numbers = [int(n) for n in re.findall(r"\d+", version_id)[:3]]
    numbers += [0] * (3 - len(numbers))
    return numbers[0], numbers[1], numbers[2]


def os_info(os_release: dict[str, str], *, arch: str = "", kernel: str = "") -> wire.OsInfo:
    """An :class:`OsInfo` from parsed os-release values."""
    version = os_release.get("VERSION_ID", "")
    major, minor, patch = _version_numbers(version)
    return wire.OsInfo(
        name=os_release.get("NAME", "Linux"),
        version=version,
        platform=os_release.get("ID", "linux"),
        platform_like=os_release.get("ID_LIKE", ""),
        codename=os_release.get("VERSION_CODENAME", ""),
        major=major,
        minor=minor,
        patch=patch,
        arch=arch,
        kernel_version=kernel,
    )


def read_os_info(path: Path | None = None) -> wire.OsInfo:
    """This machine's OS: os-release plus ``platform`` for kernel and arch."""
    candidates = (path,) if path else OS_RELEASE_PATHS
    values: dict[str, str] = {}
    for candidate in candidates:
        if candidate.is_file():
            values = parse_os_release(candidate.read_text(encoding="utf-8", errors="replace"))
            break
    return os_info(values, arch=platform.machine(), kernel=platform.release())


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


DMI_UUID_PATH = Path("/sys/class/dmi/id/product_uuid")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def dmi_uuid(path: Path = DMI_UUID_PATH) -> str:
    """The hardware UUID osquery reports as ``system_info.uuid`` (readable by
    root only); empty when absent or a placeholder."""
    value = _read(path).strip()
    if not _UUID.fullmatch(value) or len(set(value.replace("-", "").lower())) == 1:
        return ""
    return value.upper()


def host_uuid(
    state_dir: Path, machine_id_paths: tuple[Path, ...] = MACHINE_ID_PATHS, dmi_path: Path = DMI_UUID_PATH
) -> str:
    """The hardware UUID when readable, so a PC keeps one identity whether
    osquery or the native source inventories it; else the machine id
    (systemd, then D-Bus); failing all, an id generated once and kept in
    ``state_dir/host-id`` so the host stays the same host."""
    hardware = dmi_uuid(dmi_path)
    if hardware:
        return hardware
    for path in machine_id_paths:
        value = _read(path)
        if re.fullmatch(r"[0-9a-fA-F]{32}", value):
            return value.lower()
    stored = state_dir / HOST_ID_FILE
    value = _read(stored)
    if value:
        return value
    value = uuid.uuid4().hex
    log.warning("%s", text("host_id_generated", value=value, path=stored))
    write_private(stored, value.encode("ascii") + b"\n")
    return value


def _meminfo_bytes() -> int:
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB", _read(Path("/proc/meminfo")), re.M)
    return int(match.group(1)) * 1024 if match else 0


def _cpu_brand() -> str:
    match = re.search(r"^model name\s*:\s*(.+)$", _read(Path("/proc/cpuinfo")), re.M)
    return match.group(1).strip() if match else ""


def host_info(state_dir: Path, machine_id_paths: tuple[Path, ...] = MACHINE_ID_PATHS) -> wire.HostInfo:
    """Identity and hardware of this machine (DMI serial only readable as root)."""
    hostname = socket.gethostname()
    return wire.HostInfo(
        uuid=host_uuid(state_dir, machine_id_paths),
        hostname=hostname,
        computer_name=hostname.split(".", 1)[0],
        hardware_vendor=_read(DMI / "sys_vendor"),
        hardware_model=_read(DMI / "product_name"),
        hardware_serial=_read(DMI / "product_serial"),
        cpu_brand=_cpu_brand(),
        physical_memory=_meminfo_bytes(),
    )
