"""End of security support per OS release (``server/data/end_of_life.csv``)."""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Release:
    release: str
    end_of_support: dt.date


@lru_cache(maxsize=1)
def table() -> dict[str, Release]:
    text = resources.files("server.data").joinpath("end_of_life.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return {r["match"]: Release(r["release"], dt.date.fromisoformat(r["end_of_support"])) for r in rows}


def release_of(platform: str, build: str, version: str, distro: str) -> Release | None:
    """The release row a host runs, if the table knows it: Windows by build
    family (``10.0.19045`` of ``10.0.19045.4291``), Linux by distro release."""
    known = table()
    if platform.lower() == "windows":
        for text in (build, version):
            family = ".".join(text.split(".")[:3])
            if family in known:
                return known[family]
        return None
    return known.get(distro)
