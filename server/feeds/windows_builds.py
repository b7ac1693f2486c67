"""Windows release names -> OS build family (``10.0.BUILD``). Data, not logic:
cumulative updates are per build family, so this is what OS advisories and
hosts are joined on. Extend the table when Microsoft ships a release."""
from __future__ import annotations

import re

# (words that must all appear in the folded name, build family)
_RELEASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("windows 11", "25h2"), "10.0.26200"),
    (("windows 11", "24h2"), "10.0.26100"),
    (("windows 11", "23h2"), "10.0.22631"),
    (("windows 11", "22h2"), "10.0.22621"),
    (("windows 11", "21h2"), "10.0.22000"),
    (("windows 10", "22h2"), "10.0.19045"),
    (("windows 10", "21h2"), "10.0.19044"),
    (("windows 10", "21h1"), "10.0.19043"),
    (("windows 10", "20h2"), "10.0.19042"),
    (("windows 10", "1809"), "10.0.17763"),
    (("windows 10", "1607"), "10.0.14393"),
    (("windows 10", "1507"), "10.0.10240"),
    (("server 2025",), "10.0.26100"),
    (("server 2022", "23h2"), "10.0.25398"),
    (("server 2022",), "10.0.20348"),
    (("server 2019",), "10.0.17763"),
    (("server 2016",), "10.0.14393"),
)
_FAMILY = re.compile(r"^10\.0\.\d{4,5}$")


def build_family(name_or_build: str) -> str | None:
    """``"Windows 10 Version 22H2 for x64-based Systems"`` -> ``"10.0.19045"``;
    a family or full build given directly is accepted as is."""
    text = name_or_build.strip()
    parts = text.split(".")
    if len(parts) >= 3 and all(p.isdigit() for p in parts):
        family = ".".join(parts[:3])
        return family if _FAMILY.match(family) else None
    folded = " ".join(text.casefold().replace("version", " ").split())
    for words, family in _RELEASES:
        if all(word in folded for word in words):
            return family
    return None
