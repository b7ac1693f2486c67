"""Windows release names -> OS build family (``10.0.BUILD``), for rows an
admin writes by hand ("Windows 10 Version 22H2", "Windows Server 2022").
Cumulative updates are per build family, so this is what OS advisories and
hosts are joined on. The releases themselves are data kept once, in
``server.feeds.msrc.products``: extend the tables there."""
from __future__ import annotations

import re
from functools import lru_cache

from server.feeds.msrc.products import WINDOWS_CLIENT_BUILDS, WINDOWS_SERVER_BUILDS

_FAMILY = re.compile(r"^\d+\.\d+\.\d{4,5}$")


@lru_cache(maxsize=1)
def _releases() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(words that must all appear in the folded name, build family), the most
    specific first ("server 2022" + "23h2" before "server 2022")."""
    found: list[tuple[tuple[str, ...], str]] = []
    for release, versions in WINDOWS_CLIENT_BUILDS.items():
        for version, family in versions.items():
            if version:
                found.append(((f"windows {release}", version), family))
    for name, family in WINDOWS_SERVER_BUILDS.items():
        year, _, edition = name.partition(", ")
        words = (f"server {year}", edition.replace(" edition", "")) if edition else (f"server {year}",)
        found.append((words, family))
    return tuple(sorted(found, key=lambda entry: -sum(len(word) for word in entry[0])))


def build_family(name_or_build: str) -> str | None:
    """``"Windows 10 Version 22H2 for x64-based Systems"`` -> ``"10.0.19045"``;
    a family or full build given directly is accepted as is."""
    text = name_or_build.strip()
    parts = text.split(".")
    if len(parts) >= 3 and all(p.isdigit() for p in parts):
        family = ".".join(parts[:3])
        return family if _FAMILY.match(family) else None
    folded = " ".join(text.casefold().replace("version", " ").replace(",", " ").split())
    for words, family in _releases():
        if all(re.search(rf"(?<![\w.]){re.escape(word)}(?![\w.])", folded) for word in words):
            return family
    return None
