"""Full inventory reports of a fleet of Debian-family hosts, ready to send.

Each host gets ~1,500 deb packages of its release (Debian 12, Debian 11 or
Ubuntu 22.04, from :mod:`bench.fleet`'s universes of real package names) and
a sequence of reports: each one a whole inventory in which ~20 packages (all
binaries of a few source packages) moved to the next version of their
timeline. ``collected_at`` is UTC, strictly increasing per host and never in
the future (the last report of a host was collected an hour before the
sequence was made). Bodies are encoded once, with the collector's own
:func:`collector.push.encode_report`, so sending costs no client CPU.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import random
import uuid
from dataclasses import dataclass

from collector import wire
from collector.push import encode_report
from server.inventory.ingest import software_key

from bench import fleet

DEB_PROFILES = tuple(p for p in fleet.PROFILES if p.group in ("deb12", "deb11", "ub2204"))
CODENAMES = {"deb12": ("12 (bookworm)", "bookworm"), "deb11": ("11 (bullseye)", "bullseye"),
             "ub2204": ("22.04.4 LTS (Jammy Jellyfish)", "jammy")}
INTERVAL = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Collector:
    index: int
    uuid: str
    hostname: str


@dataclass(frozen=True)
class Prepared:
    """One report, encoded, and what the database must hold once it is applied."""

    host: int  # Collector.index
    seq: int  # 0, 1, ... in collected_at order
    collected_at: dt.datetime
    body: bytes  # gzip wire JSON
    packages: int  # distinct software items (= host_software rows it leaves)
    digest: str  # set_digest of its software keys


def set_digest(keys: list[str] | set[str]) -> str:
    """One value for a set of software keys (the ``software.key`` column)."""
    return hashlib.sha256("\n".join(sorted(keys)).encode("ascii")).hexdigest()


def collectors(count: int, seed: int) -> list[Collector]:
    return [Collector(i, str(uuid.uuid5(uuid.NAMESPACE_URL, f"patchgap-bench/{seed}/{i}")), f"pc-{i:05d}")
            for i in range(count)]


class _Host:
    """One host's installed packages; ``upgrade`` moves a few sources forward."""

    def __init__(self, collector: Collector, universe: fleet.Universe, profile: fleet.Profile, per_host: int,
                 rng: random.Random) -> None:
        self.collector, self.universe, self.profile, self.rng = collector, universe, profile, rng
        base = min(len(universe.binaries), per_host * 2 // 3)
        extra = min(per_host - base, len(universe.binaries) - base)
        self.binaries = universe.binaries[:base] + rng.sample(universe.binaries[base:], extra)
        level = rng.choices(fleet.LEVELS, fleet.LEVEL_WEIGHTS)[0]
        self.position: dict[str, int] = {}  # source -> index in its timeline
        self.binaries_of: dict[str, int] = {}
        for _binary, source in self.binaries:
            if source not in self.position:
                lvl = level if rng.random() < 0.85 else rng.choice(fleet.LEVELS)
                self.position[source] = max(0, len(universe.timelines[source]) - 2 - lvl)
            self.binaries_of[source] = self.binaries_of.get(source, 0) + 1

    def upgrade(self, changed: int) -> None:
        """Move whole sources to their next version until ``changed`` packages changed."""
        sources = [s for s, p in self.position.items() if p < len(self.universe.timelines[s]) - 1]
        self.rng.shuffle(sources)
        done = 0
        for source in sources:
            if done >= changed:
                break
            self.position[source] += 1
            done += self.binaries_of[source]

    def report(self, collected_at: dt.datetime) -> wire.Report:
        c, p = self.collector, self.profile
        version, codename = CODENAMES[p.group]
        software = [wire.Software(name=binary, version=self.universe.timelines[source][self.position[source]],
                                  ecosystem="deb", arch="amd64", source_package="" if source == binary else source)
                    for binary, source in self.binaries]
        return wire.Report(
            host=wire.HostInfo(uuid=c.uuid, hostname=c.hostname, hardware_vendor="Dell Inc.",
                               hardware_model="OptiPlex 7090", cpu_brand="Intel(R) Core(TM) i5-10500",
                               physical_memory=16 * 2**30),
            os=wire.OsInfo(name=p.os_name, version=version, platform=p.platform, codename=codename, major=p.major,
                           minor=p.minor, arch="x86_64", kernel_version="6.1.0-18-amd64"),
            collector=wire.CollectorInfo(version="0.1.0", source="native"),
            collected_at=collected_at.isoformat(),
            software=software,
            addresses=[wire.Address(interface="eth0", address=f"10.{20 + c.index // 62500}.{c.index // 250 % 250}."
                                    f"{1 + c.index % 250}", mask="255.255.0.0",
                                    mac=f"52:54:00:{c.index >> 16 & 255:02x}:{c.index >> 8 & 255:02x}:"
                                    f"{c.index & 255:02x}")],
        )


def prepare(fleet_of: list[Collector], reports: int, *, per_host: int = 1_500, changed: int = 20,
            seed: int = 20260105) -> list[list[Prepared]]:
    """``reports`` encoded reports per collector, oldest first."""
    rng = random.Random(seed)
    universes = fleet.universes(per_host * 2, seed)
    last = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - INTERVAL
    out: list[list[Prepared]] = []
    for collector in fleet_of:
        profile = rng.choices(DEB_PROFILES, [p.weight for p in DEB_PROFILES])[0]
        host = _Host(collector, universes[profile.group], profile, per_host, rng)
        sequence = []
        for seq in range(reports):
            if seq:
                host.upgrade(changed)
            collected_at = last - INTERVAL * (reports - 1 - seq)
            report = host.report(collected_at)
            keys = {software_key(item) for item in report.software}
            sequence.append(Prepared(collector.index, seq, collected_at, encode_report(report), len(keys),
                                     set_digest(keys)))
        out.append(sequence)
    return out


def decode(body: bytes) -> wire.Report:
    """The report a body carries (the in-process baseline applies these)."""
    return wire.report_from_dict(json.loads(gzip.decompress(body)))
