"""``vulnerabilities[].remediations``: vendor fixes per product id, with KBs.

A Microsoft KB is only read where the context is Microsoft's (the publisher,
or a microsoft.com URL): other vendors write "KB" for their own
knowledge-base articles (Siemens, Rockwell: "see KB 1234567").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from server.feeds.csaf.lenient import Issues, arr, obj, text

_KB_IN_TEXT = re.compile(r"\bKB\s?(\d{6,7})\b", re.IGNORECASE)
_BARE_KB = re.compile(r"(?:KB)?(\d{6,7})", re.IGNORECASE)
_KB_IN_URL_PATH = re.compile(r"/(?:help|kb)/(\d{6,7})\b", re.IGNORECASE)


@dataclass
class Fix:
    """What the vendor_fix remediations say about one product id."""

    details: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    kbs: list[str] = field(default_factory=list)

    def add(self, details: str, url: str, kbs: list[str]) -> None:
        for value, into in ((details, self.details), (url, self.urls)):
            if value and value not in into:
                into.append(value)
        self.kbs.extend(kb for kb in kbs if kb not in self.kbs)

    def merge(self, other: Fix) -> None:
        """Add what ``other`` says, without repeating anything."""
        for detail in other.details:
            self.add(detail, "", [])
        for url in other.urls:
            self.add("", url, [])
        self.add("", "", other.kbs)


def _is_microsoft_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "microsoft.com" or host.endswith(".microsoft.com")


def microsoft_kbs(details: str, url: str, microsoft_publisher: bool) -> list[str]:
    """KB numbers (``KB5053598``) a vendor_fix names, where it can only mean a Microsoft KB."""
    found: list[str] = []
    if microsoft_publisher:
        # NOTE: MSRC CSAF puts the bare KB number in "details" ("5053598").
        bare = _BARE_KB.fullmatch(details.strip())
        if bare:
            found.append(f"KB{bare[1]}")
        found += [f"KB{m}" for m in _KB_IN_TEXT.findall(details)]
    if url and _is_microsoft_url(url):
        found += [f"KB{m}" for m in _KB_IN_TEXT.findall(url)]
        found += [f"KB{m}" for m in _KB_IN_URL_PATH.findall(url)]
    return list(dict.fromkeys(found))


def product_groups(tree: Any) -> dict[str, list[str]]:
    """``product_groups``: group id -> product ids."""
    groups: dict[str, list[str]] = {}
    for group in arr(obj(tree).get("product_groups")):
        gid = text(obj(group).get("group_id"))
        if gid:
            groups[gid] = [text(p) for p in arr(obj(group).get("product_ids")) if text(p)]
    return groups


def vendor_fixes(vulns: Any, groups: dict[str, list[str]], known: set[str],
                 microsoft: bool, issues: Issues) -> dict[str, Fix]:
    """product id -> the vendor fixes that name it (directly or via a group)."""
    fixes: dict[str, Fix] = {}
    for i, vuln in enumerate(arr(vulns)):
        for j, rem in enumerate(arr(obj(vuln).get("remediations"))):
            data = obj(rem)
            if text(data.get("category")) != "vendor_fix":
                continue
            path = f"$.vulnerabilities[{i}].remediations[{j}]"
            details, url = text(data.get("details")), text(data.get("url"))
            kbs = microsoft_kbs(details, url, microsoft)
            refs = [(f"{path}.product_ids[{k}]", text(p))
                    for k, p in enumerate(arr(data.get("product_ids")))]
            for k, gid in enumerate(text(g) for g in arr(data.get("group_ids"))):
                if gid not in groups:
                    issues.warn(f"{path}.group_ids[{k}]", f"undefined product group {gid!r}: skipped")
                refs += [(f"{path}.group_ids[{k}]", pid) for pid in groups.get(gid, [])]
            for where, pid in refs:
                if pid not in known:
                    issues.warn(where, f"undefined product id {pid!r}: skipped")
                    continue
                fixes.setdefault(pid, Fix()).add(details, url, kbs)
    return fixes
