"""A synthetic fleet: hosts, their distinct software rows and their links.

Host kinds follow a mixed public-sector fleet (Debian 12/11, Ubuntu 22.04,
RHEL/Rocky/Alma 9, RHEL 8, Windows 10/11/Server). Linux hosts carry ~1,500
packages of their release: a common base plus a random half of the rest, at
one of the last four versions of each package's timeline (most hosts near
the newest, some behind). Binaries of one source share its version on a
host, as dpkg and rpm install them. Windows hosts carry ~50 programs and a
build with UBR from the last 12 monthly cumulative updates, plus KBs.

Version timelines start from real versions (``dpkg-query``/apt) and add
release markers: ``+deb12uN``, ``ubuntu0.22.04.N``, ``-R.el9_N``.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from collector import wire
from server.inventory.ingest import software_key
from server.matching.identity import match_name

from bench import names

LEVELS = (0, 1, 2, 3)  # 0 = newest installed version, 3 = three behind
LEVEL_WEIGHTS = (0.45, 0.30, 0.15, 0.10)
WINDOWS_FAMILIES = (("10.0.19045", 3930, 0.45), ("10.0.22631", 3447, 0.25), ("10.0.22621", 3447, 0.10),
                    ("10.0.26100", 1742, 0.12), ("10.0.17763", 5576, 0.08))
MONTHS = 36  # cumulative updates published; hosts sit on one of the last 12


@dataclass(frozen=True)
class Profile:
    distro: str
    platform: str
    group: str
    weight: float
    os_name: str
    major: int
    minor: int = 0


PROFILES = (
    Profile("debian:12", "debian", "deb12", 0.30, "Debian GNU/Linux", 12),
    Profile("debian:11", "debian", "deb11", 0.12, "Debian GNU/Linux", 11),
    Profile("ubuntu:22.04", "ubuntu", "ub2204", 0.13, "Ubuntu", 22, 4),
    Profile("rhel:9", "rhel", "el9", 0.05, "Red Hat Enterprise Linux", 9, 4),
    Profile("rocky:9", "rocky", "el9", 0.04, "Rocky Linux", 9, 4),
    Profile("almalinux:9", "almalinux", "el9", 0.03, "AlmaLinux", 9, 4),
    Profile("rhel:8", "rhel", "el8", 0.05, "Red Hat Enterprise Linux", 8, 9),
    Profile("", "windows", "win", 0.28, "Microsoft Windows 10 Pro", 10),
)
GROUP_ECOSYSTEM = {"deb12": "deb", "deb11": "deb", "ub2204": "deb", "el9": "rpm", "el8": "rpm", "win": "windows-program"}


@dataclass
class Universe:
    """The packages of one group: binaries, each source's version timeline
    (the last entry is a future version nobody has), software ids by level."""

    group: str
    ecosystem: str
    binaries: list[tuple[str, str]] = field(default_factory=list)  # (display name or binary, source)
    timelines: dict[str, list[str]] = field(default_factory=dict)
    ids: dict[tuple[str, int], int] = field(default_factory=dict)  # (binary, level) -> software id

    def installed(self, source: str, level: int) -> str:
        timeline = self.timelines[source]
        return timeline[max(0, len(timeline) - 2 - level)]


def _upstream(version: str) -> str:
    text = version.split(":", 1)[-1].rsplit("-", 1)[0]
    return re.sub(r"[^0-9A-Za-z.]+", ".", text).strip(".") or "1.0"


def _bump(version: str, step: int) -> str:
    parts = version.split(".")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].isdigit():
            parts[i] = str(int(parts[i]) + step)
            return ".".join(parts)
    return f"{version}.{step}"


def _timeline(group: str, base: str, rng: random.Random, epochs: dict[str, int], source: str) -> list[str]:
    k = rng.randint(6, 10)
    if group == "deb12":
        return [f"{base}+deb12u{i}" for i in range(1, k + 2)]
    if group == "deb11":
        return [f"{base}+deb11u{i}" for i in range(1, k + 2)]
    if group == "ub2204":
        return [f"{base}ubuntu0.22.04.{i}" for i in range(1, k + 2)]
    if group in ("el9", "el8"):
        epoch = f"{epochs[source]}:" if source in epochs else ""
        release = rng.randint(1, 40)
        return [f"{epoch}{_upstream(base)}-{release}.{group}_{i}" for i in range(1, k + 2)]
    return [_bump(base, i) for i in range(k + 1)]


def universes(linux_packages: int, seed: int) -> dict[str, Universe]:
    """One universe per group, software ids numbered from 1."""
    rng = random.Random(seed)
    pool = names.linux_packages(linux_packages * 2)
    epochs = names.rpm_epochs()
    out: dict[str, Universe] = {}
    next_id = 1
    for group, ecosystem in GROUP_ECOSYSTEM.items():
        universe = Universe(group, ecosystem)
        if group == "win":
            for display, _cpe, base in names.PROGRAMS:
                universe.binaries.append((display, display))
                universe.timelines[display] = _timeline(group, base, rng, epochs, display)
        else:
            for package in pool[:linux_packages]:
                universe.binaries.append((package.name, package.source))
                if package.source not in universe.timelines:
                    universe.timelines[package.source] = _timeline(group, package.version, rng, epochs, package.source)
        for binary, source in universe.binaries:
            for level in LEVELS:
                universe.ids[(binary, level)] = next_id
                next_id += 1
        out[group] = universe
    return out


def software_rows(universe: Universe) -> list[tuple[object, ...]]:
    """(id, key, ecosystem, name, version, arch, vendor, source_package, release, match_name)."""
    rows = []
    for binary, source in universe.binaries:
        for level in LEVELS:
            version = universe.installed(source, level)
            item = program(binary, version) if universe.group == "win" else wire.Software(
                name=binary, version=version, ecosystem=universe.ecosystem,
                arch="amd64" if universe.ecosystem == "deb" else "x86_64",
                source_package="" if source == binary else source)
            rows.append((universe.ids[(binary, level)], software_key(item), item.ecosystem, item.name, item.version,
                         item.arch, item.vendor, item.source_package, item.release,
                         match_name(item.ecosystem, item.name, item.source_package)))
    return rows


def program(template: str, version: str) -> wire.Software:
    return wire.Software(name=template.format(v=version), version=version, ecosystem="windows-program")


def windows_build(family: int, month: int, ubr_known: bool = True) -> str:
    name, base, _ = WINDOWS_FAMILIES[family]
    return f"{name}.{base + 60 * month + (month * 7) % 13}" if ubr_known else name


def windows_kb(family: int, month: int) -> str:
    return f"KB50{family}{month:02d}{(family * 7 + month) % 10}"
