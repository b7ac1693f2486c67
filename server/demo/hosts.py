"""The demo's machines (``server/data/demo_hosts.json``) as osquery would see
them on a given day, and as the collector would report them.

A host's rows are shaped like the answers to our queries (``queries/*.sql``);
:func:`report` hands them to the collector's own row readers
(``collector.sources.osquery_rows``) and report builder, so a demo host takes
the path a real osquery host takes from its rows on.

A *track* is one fix that hosts install at some point: the Windows cumulative
update (build and KB), a Chrome version, an OpenSSH package. A host has each
track either fixed or not; :mod:`server.demo.province` decides when.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from collector import wire
from collector.inventory import build_report
from collector.sources.osquery_rows import build_snapshot

Rows = list[dict[str, str]]
ALREADY, DURING, NEVER = "already", "during", "never"
_NAMESPACE = uuid.UUID("6f1d1a5e-3c1b-4d55-9a57-0d3c5b7a2e11")


@dataclass(frozen=True)
class Profile:
    """One demo machine as the data file describes it."""

    hostname: str
    unit: str
    os: str  # a key of the data's "os" table
    hardware: str
    address: str
    interface: str
    software: tuple[str, ...]  # program sets, programs or package lists
    updates: dict[str, str] = field(default_factory=dict)  # track -> already | during | never
    server: bool = False
    silent_after: int | None = None  # last day it reports, relative to today

    @property
    def windows(self) -> bool:
        return self.os.startswith("win")

    @property
    def uuid(self) -> str:
        """A stable SMBIOS-style uuid (upper case, as osquery shows it on PCs)."""
        return str(uuid.uuid5(_NAMESPACE, self.hostname)).upper()


@dataclass(frozen=True)
class Catalogue:
    data: dict[str, Any]
    profiles: tuple[Profile, ...]

    @property
    def units(self) -> list[tuple[str, str, str | None]]:
        """(name, code, parent) with parents first."""
        return [tuple(u) for u in self.data["units"]]  # type: ignore[misc]

    def profile(self, hostname: str) -> Profile:
        return next(p for p in self.profiles if p.hostname == hostname)

    def tracks_of(self, profile: Profile) -> dict[str, str]:
        """Each track that concerns ``profile``, with what the host does about it."""
        found = {}
        for track in self.data["tracks"]:
            if self._concerns(track, profile):
                found[track] = profile.updates.get(track, self.data["default_updates"][track])
        return found

    def patch_days(self, track: str) -> tuple[int, int]:
        low, high = self.data["tracks"][track]["patch_days"]
        return int(low), int(high)

    def _concerns(self, track: str, profile: Profile) -> bool:
        spec = self.data["tracks"][track]
        if track == "windows":
            return profile.os in spec
        if "program" in spec:
            return any(row["name"] == spec["program"] for row in self._programs(profile))
        return profile.os in spec["after"]

    # --- the rows osquery would return -----------------------------------------

    def rows(self, profile: Profile, fixed: dict[str, dt.date], start: dt.date) -> dict[str, Rows]:
        """Query name -> rows for ``profile`` with the tracks in ``fixed``
        installed (track -> the day it went in); updates older than the
        demo went in before ``start``."""
        os_row = {k: v for k, v in self.data["os"][profile.os].items() if k != "kernel"}
        vendor, model, cpu, memory_gb, oui = self.data["hardware"][profile.hardware]
        system = {"uuid": profile.uuid, "hostname": profile.hostname, "computer_name": profile.hostname,
                  "hardware_vendor": vendor, "hardware_model": model, "hardware_serial": _serial(profile),
                  "cpu_brand": cpu, "physical_memory": str(memory_gb * 1024 ** 3)}
        results: dict[str, Rows] = {
            "os_version": [os_row], "system_info": [system],
            "osquery_info": [{"uuid": profile.uuid, "version": "5.12.1",
                              "build_platform": "windows" if profile.windows else "linux"}],
        }
        address = {"interface": profile.interface, "address": profile.address, "mask": "255.255.255.0",
                   "mac": _mac(profile, oui)}
        if profile.windows:
            revision, kbs = self._windows_state(profile, fixed.get("windows"), start)
            results["windows_build"] = [{**{k: os_row[k] for k in ("major", "minor", "build")},
                                         "revision": revision}]
            results["patches"] = kbs
            results["programs"] = self._with_track_versions(self._programs(profile), fixed)
            results["interface_addresses_windows"] = [address]
        else:
            results["kernel_info"] = [{"version": self.data["os"][profile.os]["kernel"]}]
            results["interface_addresses"] = [address]
            packages = self._packages(profile, fixed)
            results["rpm_packages" if profile.os.startswith("rocky") else "deb_packages"] = packages
        return results

    def _windows_state(self, profile: Profile, fixed: dt.date | None, start: dt.date) -> tuple[str, Rows]:
        spec = self.data["tracks"]["windows"][profile.os]
        revision, kb = spec["before" if fixed is None else "after"]
        installed = fixed or start - dt.timedelta(days=30)
        kbs = [{"hotfix_id": other, "installed_on": _us_date(start - dt.timedelta(days=60)), "description": "Update"}
               for other in spec.get("other_kbs", [])]
        kbs.append({"hotfix_id": kb, "installed_on": _us_date(installed), "description": "Security Update"})
        return revision, kbs

    def _programs(self, profile: Profile) -> Rows:
        keys: list[str] = []
        for name in profile.software:
            keys.extend(self.data["program_sets"].get(name, [name] if name in self.data["programs"] else []))
        rows = []
        for key in dict.fromkeys(keys):
            name, version, publisher, location = self.data["programs"][key]
            rows.append({"name": name, "version": version, "publisher": publisher, "install_location": location,
                         "identifying_number": ""})
        return rows

    def _with_track_versions(self, programs: Rows, fixed: dict[str, dt.date]) -> Rows:
        after = {spec["program"]: spec["after"] for track, spec in self.data["tracks"].items()
                 if track in fixed and "program" in spec}
        return [{**row, "version": after.get(row["name"], row["version"])} for row in programs]

    def _packages(self, profile: Profile, fixed: dict[str, dt.date]) -> Rows:
        moved = {spec["source"]: spec["after"][profile.os] for track, spec in self.data["tracks"].items()
                 if track in fixed and "source" in spec and profile.os in spec["after"]}
        rows: Rows = []
        for name in profile.software:
            for entry in self.data["packages"].get(name, []):
                rows.append(_rpm_row(entry, moved, self.data["rpm_vendor"]) if len(entry) == 5
                            else _deb_row(entry, moved))
        return rows


def _deb_row(entry: list[str], moved: dict[str, str]) -> dict[str, str]:
    name, version, source, *arch = entry
    source_name = source.split(" (")[0] or name
    version = moved.get(source_name, version)
    return {"name": name, "version": version, "source": source, "arch": arch[0] if arch else "amd64",
            "status": "install ok installed"}


def _rpm_row(entry: list[str], moved: dict[str, str], vendor: str) -> dict[str, str]:
    name, epoch, version, release, source = entry
    if source in moved:
        version, release = moved[source].rsplit("-", 1)
    return {"name": name, "epoch": epoch, "version": version, "release": release, "arch": "x86_64",
            "source": f"{source}-{version}-{release}.src.rpm", "vendor": vendor}


def _digest(profile: Profile) -> bytes:
    return hashlib.sha256(profile.hostname.encode("utf-8")).digest()


def _serial(profile: Profile) -> str:
    alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZ"
    return "".join(alphabet[b % len(alphabet)] for b in _digest(profile)[:7])


def _mac(profile: Profile, oui: str) -> str:
    return oui + "".join(f":{b:02x}" for b in _digest(profile)[7:10])


def _us_date(day: dt.date) -> str:
    """``patches.installed_on`` as Windows shows it (M/D/YYYY)."""
    return f"{day.month}/{day.day}/{day.year}"


def report(catalogue: Catalogue, profile: Profile, fixed: dict[str, dt.date], start: dt.date,
           at: dt.datetime) -> wire.Report:
    """The report the collector would send for ``profile`` at ``at`` (see
    :meth:`Catalogue.rows`)."""
    snapshot = build_snapshot(catalogue.rows(profile, fixed, start))
    return build_report(snapshot, "osquery", collected_at=at.isoformat())


@lru_cache(maxsize=1)
def load() -> Catalogue:
    text = resources.files("server.data").joinpath("demo_hosts.json").read_text(encoding="utf-8")
    data = json.loads(text)
    profiles = tuple(
        Profile(hostname=h["name"], unit=h["unit"], os=h["os"], hardware=h["hardware"], address=h["address"],
                interface=h.get("interface", "Ethernet"), software=tuple(h["software"]),
                updates=dict(h.get("updates", {})), server=bool(h.get("server", False)),
                silent_after=h.get("silent_after"))
        for h in data["hosts"]
    )
    return Catalogue(data, profiles)
