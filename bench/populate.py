"""Write a synthetic fleet and advisory set into a migrated database.

Runs in its own process (see ``bench.matching``) so the memory it needs is
not counted in the matcher's peak.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import insert

from server.db.engine import make_engine
from server.db.models import Unit

from bench import advisories, fleet
from bench.load import STAMP, after_load, bulk_insert

HOST_COLUMNS = ("id", "uuid", "hostname", "unit_id", "platform", "platform_like", "os_name", "os_version", "os_build",
                "os_arch", "os_codename", "distro", "hardware", "collector_version", "collector_source",
                "enrolled_at", "last_report_at", "last_collected_at")
SOFTWARE_COLUMNS = ("id", "key", "ecosystem", "name", "version", "arch", "vendor", "source_package", "release",
                    "match_name")
ADVISORY_COLUMNS = ("id", "source", "advisory_id", "title", "severity", "cvss", "cves", "published", "updated",
                    "revision", "url", "exploited", "deadline", "kev_due_date", "digest", "imported_at")
AFFECTED_COLUMNS = ("id", "advisory_pk", "ecosystem", "product", "match_name", "vendor", "distro", "vers_range",
                    "fixed_version", "fixed_kbs", "cpe", "purl", "needs_review", "derived_from", "cve")
UNITS = ("Phòng Tài chính", "Văn phòng", "Bộ phận Một cửa", "Phòng Kỹ thuật", "Trung tâm Dữ liệu")


@dataclass(frozen=True)
class Spec:
    hosts: int = 10_000
    affected: int = 300_000
    packages: int = 3_000  # binaries in each release's universe; a host has half of them
    per_host: int = 1_500
    seed: int = 20260105
    recent: float = 0.004  # share of distro fixes among the installed versions
    future: float = 0.0015  # share above every installed version


@dataclass
class Counts:
    hosts: int = 0
    software: int = 0
    host_software: int = 0
    advisories: int = 0
    affected: int = 0


def _host_row(index: int, profile: fleet.Profile, build: str, rng: random.Random) -> tuple[object, ...]:
    version = f"{profile.major}.{profile.minor}" if profile.platform != "debian" else str(profile.major)
    collected = STAMP - dt.timedelta(hours=rng.randint(1, 96))
    return (index, f"bench-{index:06d}", f"pc-{index:06d}", 1 + index % len(UNITS), profile.platform, "",
            profile.os_name, version, build, "x86_64", "", profile.distro, "", "0.1.0", "native",
            STAMP, collected, collected)


def _links(spec: Spec, universes: dict[str, fleet.Universe], counts: Counts,
           hosts: list[tuple[object, ...]], patches: list[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """host_software rows, host by host; fills ``hosts`` and ``patches`` on the way."""
    rng = random.Random(spec.seed + 1)
    profiles = list(fleet.PROFILES)
    for index in range(1, spec.hosts + 1):
        profile = rng.choices(profiles, [p.weight for p in profiles])[0]
        universe = universes[profile.group]
        level = rng.choices(fleet.LEVELS, fleet.LEVEL_WEIGHTS)[0]
        if profile.platform == "windows":
            family = rng.choices(range(len(fleet.WINDOWS_FAMILIES)), [f[2] for f in fleet.WINDOWS_FAMILIES])[0]
            month = fleet.MONTHS - 1 - min(11, int(rng.expovariate(0.6)))
            build = fleet.windows_build(family, month, ubr_known=rng.random() > 0.03)
            kbs = {fleet.windows_kb(family, month - back) for back in range(0, 4) if month - back >= 0} | {"KB890830"}
            patches.extend((index, kb, "", "", STAMP, STAMP) for kb in sorted(kbs))
            binaries = universe.binaries[:35] + rng.sample(universe.binaries[35:], min(15, len(universe.binaries) - 35))
        else:
            build = ""
            base = min(len(universe.binaries), spec.per_host * 2 // 3)
            extra = min(spec.per_host - base, len(universe.binaries) - base)
            binaries = universe.binaries[:base] + rng.sample(universe.binaries[base:], extra)
        hosts.append(_host_row(index, profile, build, rng))
        counts.hosts += 1
        by_source: dict[str, int] = {}
        for binary, source in binaries:
            if source not in by_source:
                by_source[source] = level if rng.random() < 0.85 else rng.choice(fleet.LEVELS)
            counts.host_software += 1
            yield (index, universe.ids[(binary, by_source[source])], STAMP)


def populate(url: str, spec: Spec) -> Counts:
    """Fill the database at ``url``; returns what was written."""
    engine = make_engine(url)
    counts = Counts()
    universes = fleet.universes(spec.packages, spec.seed)
    with engine.begin() as connection:
        connection.execute(insert(Unit), [{"id": i + 1, "name": name, "created_at": STAMP} for i, name in enumerate(UNITS)])
        for universe in universes.values():
            counts.software += bulk_insert(connection, "software", SOFTWARE_COLUMNS, fleet.software_rows(universe))
        for rows, items in advisories.generate(universes, spec.affected, spec.seed + 2, spec.recent, spec.future):
            counts.advisories += bulk_insert(connection, "advisories", ADVISORY_COLUMNS, rows)
            counts.affected += bulk_insert(connection, "affected", AFFECTED_COLUMNS, items)
        hosts: list[tuple[object, ...]] = []
        patches: list[tuple[object, ...]] = []
        links = _links(spec, universes, counts, hosts, patches)
        # host_software references hosts: buffer links while hosts are generated,
        # a thousand hosts at a time.
        while True:
            batch = [row for _, row in zip(range(spec.per_host * 1000), links)]
            bulk_insert(connection, "hosts", HOST_COLUMNS, hosts)
            bulk_insert(connection, "host_patches", ("host_id", "hotfix_id", "installed_on", "description",
                                                     "first_seen", "last_seen"), patches)
            hosts.clear()
            patches.clear()
            if not batch:
                break
            bulk_insert(connection, "host_software", ("host_id", "software_id", "first_seen"), batch)
    after_load(engine)
    engine.dispose()
    return counts
