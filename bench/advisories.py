"""A synthetic advisory set shaped like the real feeds.

- Distro packages, one advisory per CVE as OSV's Debian/Ubuntu/Red Hat
  records are, with a heavy tail (a few sources such as the kernel carry
  thousands of CVEs, most carry a handful). Almost all fixes are old (below
  every installed version); a few fall among the installed versions and a
  very few are not installed anywhere yet. RHEL 9 CVEs get one item each for
  rhel:9, rocky:9 and almalinux:9 (their own errata); a few carry no distro
  (warning-letter rows) or the ``el:9`` family.
- Windows builds: for each monthly cumulative update, CVEs with one item per
  build family (fixed build with UBR and the KB), as MSRC gives them.
- Windows programs: NVD-style CPE items (``generic``) with ``<fixed`` ranges.
"""
from __future__ import annotations

import random
from collections.abc import Iterator

from server.matching.identity import advisory_match_name

from bench import names
from bench.fleet import MONTHS, WINDOWS_FAMILIES, Universe, windows_build, windows_kb
from bench.load import STAMP

DISTROS = {"deb12": ("debian:12",), "deb11": ("debian:11",), "ub2204": ("ubuntu:22.04",),
           "el9": ("rhel:9", "rocky:9", "almalinux:9"), "el8": ("rhel:8",)}
Rows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]  # advisories, affected


class _Ids:
    def __init__(self) -> None:
        self.advisory = 0
        self.affected = 0
        self.cve = 0


def _advisory(ids: _Ids, source: str, advisory_id: str, cve: str, rng: random.Random) -> tuple[object, ...]:
    ids.advisory += 1
    severity = rng.choice(("critical", "high", "high", "medium", "medium", "low"))
    return (ids.advisory, source, advisory_id, f"{cve} synthetic", severity, None, [cve], STAMP, STAMP, "1", "",
            False, None, None, "", STAMP)


def _item(ids: _Ids, ecosystem: str, product: str, distro: str, fixed: str, rng: random.Random, vendor: str = "",
          cpe: str = "", kbs: tuple[str, ...] = (), scheme: str = "") -> tuple[object, ...]:
    ids.affected += 1
    vers = f"vers:{scheme or ecosystem}/<{fixed}" if rng.random() < 0.8 or kbs else ""
    return (ids.affected, ids.advisory, ecosystem, product, advisory_match_name(ecosystem, product, vendor, cpe),
            vendor, distro, vers, fixed, list(kbs), cpe, "", "", None, "")


def _fixed_index(length: int, rng: random.Random, recent: float, future: float) -> int:
    roll = rng.random()
    if roll < future:
        return length - 1
    if roll < future + recent:
        return rng.randint(max(0, length - 5), length - 2)
    return rng.randint(0, max(0, length - 6))


def _linux(universe: Universe, items: int, ids: _Ids, rng: random.Random, recent: float, future: float) -> Rows:
    distros = DISTROS[universe.group]
    sources = sorted(universe.timelines)
    vulnerable = rng.sample(sources, len(sources) // 2)
    weights = [rng.paretovariate(1.16) for _ in vulnerable]
    cves = items / len(distros)
    total = sum(weights)
    advisories, affected = [], []
    for source, weight in zip(vulnerable, weights):
        timeline = universe.timelines[source]
        # Capped: the kernel, the biggest, has a few thousand per release.
        for _ in range(max(1, min(2_500, round(cves * weight / total)))):
            ids.cve += 1
            cve = f"CVE-20{10 + ids.cve % 15}-{ids.cve}"
            advisories.append(_advisory(ids, "osv", f"{universe.group.upper()}-{cve}", cve, rng))
            fixed = timeline[_fixed_index(len(timeline), rng, recent, future)]
            for distro in distros:
                affected.append(_item(ids, universe.ecosystem, source, distro, fixed, rng))
            if universe.group == "el9" and rng.random() < 0.02:
                affected.append(_item(ids, "rpm", source, rng.choice(("", "el:9")), fixed, rng))
    return advisories, affected


def _windows_os(cves_per_month: int, ids: _Ids, rng: random.Random) -> Rows:
    advisories, affected = [], []
    for month in range(MONTHS):
        for _ in range(cves_per_month):
            ids.cve += 1
            cve = f"CVE-2025-{ids.cve}"
            advisories.append(_advisory(ids, "msrc", cve, cve, rng))
            for family in range(len(WINDOWS_FAMILIES)):
                build = windows_build(family, month)
                affected.append(_item(ids, "windows-os", WINDOWS_FAMILIES[family][0], f"windows-{family}", build,
                                     rng, vendor="microsoft", kbs=(windows_kb(family, month),), scheme="windows"))
    return advisories, affected


def _programs(universe: Universe, items: int, ids: _Ids, rng: random.Random) -> Rows:
    known = [(display, cpe) for display, cpe, _ in names.PROGRAMS if cpe]
    weights = [rng.paretovariate(1.3) for _ in known]
    advisories, affected = [], []
    for (display, cpe), weight in zip(known, weights):
        vendor, product = cpe.split(":")
        timeline = universe.timelines[display]
        for _ in range(max(1, round(items * weight / sum(weights)))):
            ids.cve += 1
            cve = f"CVE-2024-{ids.cve}"
            advisories.append(_advisory(ids, "nvd", cve, cve, rng))
            fixed = timeline[_fixed_index(len(timeline), rng, recent=0.08, future=0.02)]
            affected.append(_item(ids, "generic", product, "", fixed, rng, vendor=vendor,
                                  cpe=f"cpe:2.3:a:{vendor}:{product}:*:*:*:*:*:*:*:*", scheme="generic"))
    return advisories, affected


def generate(universes: dict[str, Universe], target: int, seed: int, recent: float = 0.004,
             future: float = 0.0015) -> Iterator[Rows]:
    """Advisory and affected rows, about ``target`` affected items in all. ``recent``
    and ``future``: shares of distro fixes among / above the installed versions."""
    rng, ids = random.Random(seed), _Ids()
    cves_per_month = max(1, target // 15_000)
    yield _windows_os(cves_per_month, ids, rng)
    yield _programs(universes["win"], max(50, target // 25), ids, rng)
    linux = target - ids.affected
    groups = [g for g in universes if g in DISTROS]
    for group in groups:
        yield _linux(universes[group], max(10, linux // len(groups)), ids, rng, recent, future)
