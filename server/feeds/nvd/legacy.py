"""The retired NVD 1.1 JSON data feeds, reshaped as CVE API 2.0 objects.

``nvdcve-1.1-2019.json`` holds ``CVE_Items``; each item is rewritten into the
2.0 ``cve`` shape so :mod:`server.feeds.nvd.cve` reads one shape only.
1.1 nodes nest: an ``AND`` node has ``children`` (``OR`` nodes); an ``OR``
node has ``cpe_match`` (``cpe23Uri``) directly.
"""
from __future__ import annotations

from typing import Any


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def is_legacy(data: object) -> bool:
    """A 1.1 feed file (``{"CVE_data_type": "CVE", "CVE_Items": [...]}``)?"""
    return isinstance(data, dict) and isinstance(data.get("CVE_Items"), list)


def _node(node: dict[str, Any]) -> dict[str, Any]:
    matches = []
    for match in _dicts(node.get("cpe_match")):
        converted = {k: v for k, v in match.items() if k != "cpe23Uri"}
        converted["criteria"] = match.get("cpe23Uri")
        matches.append(converted)
    return {"operator": node.get("operator", "OR"), "negate": node.get("negate", False),
            "cpeMatch": matches}


def _configuration(node: dict[str, Any]) -> dict[str, Any]:
    children = _dicts(node.get("children"))
    if not children:
        return {"operator": "OR", "nodes": [_node(node)]}
    # NOTE: 1.1 nests children more than one level only in a handful of old
    # entries; deeper levels are flattened into the same AND.
    flat: list[dict[str, Any]] = []
    stack = list(children)
    while stack:
        child = stack.pop(0)
        flat.append(_node(child))
        stack.extend(_dicts(child.get("children")))
    return {"operator": node.get("operator", "AND"), "negate": node.get("negate", False),
            "nodes": flat}


def to_api2(item: dict[str, Any]) -> dict[str, Any]:
    """One ``CVE_Items`` entry -> a CVE API 2.0 ``cve`` object."""
    cve = _dict(item.get("cve"))
    impact = _dict(item.get("impact"))
    v3 = _dict(_dict(impact.get("baseMetricV3")).get("cvssV3"))
    v2_metric = _dict(impact.get("baseMetricV2"))
    metrics: dict[str, Any] = {}
    if v3:
        key = "cvssMetricV30" if v3.get("version") == "3.0" else "cvssMetricV31"
        metrics[key] = [{"type": "Primary", "cvssData": v3}]
    if v2_metric:
        metrics["cvssMetricV2"] = [{"type": "Primary", "cvssData": _dict(v2_metric.get("cvssV2")),
                                    "baseSeverity": v2_metric.get("severity")}]
    descriptions = _dicts(_dict(cve.get("description")).get("description_data"))
    return {
        "id": _dict(cve.get("CVE_data_meta")).get("ID"),
        "published": item.get("publishedDate"),
        "lastModified": item.get("lastModifiedDate"),
        "descriptions": [{"lang": d.get("lang"), "value": d.get("value")} for d in descriptions],
        "metrics": metrics,
        "configurations": [_configuration(n)
                           for n in _dicts(_dict(item.get("configurations")).get("nodes"))],
    }
