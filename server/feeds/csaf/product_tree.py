"""Resolve a CSAF ``product_tree`` into one :class:`Product` per product id.

Branches carry their context down (vendor, product name, version, range,
architecture...); ``full_product_names`` stand alone; ``relationships``
compose a component with a platform (``default_component_of``,
``installed_on``...) and the composed id keeps both.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from server.feeds.csaf.lenient import Issues, arr, obj, text

_VERSION_CATEGORIES = ("product_version", "service_pack", "patch_level")
_MAX_DEPTH = 64


@dataclass(frozen=True)
class Product:
    """Everything the tree says about one product id."""

    product_id: str
    name: str = ""
    path: str = ""
    vendor: str = ""
    family: str = ""
    product_name: str = ""
    version: str = ""
    version_range: str = ""
    arch: str = ""
    cpe: str = ""
    purl: str = ""
    # Set on ids composed by a relationship: what is installed, and where.
    component: Product | None = None
    platform: Product | None = None
    relation: str = ""


def _helper(product: dict[str, Any]) -> tuple[str, str]:
    helper = obj(product.get("product_identification_helper"))
    purl = text(helper.get("purl"))
    if not purl:  # CSAF 2.1 has a list of purls
        purl = next((text(p) for p in arr(helper.get("purls")) if text(p)), "")
    return text(helper.get("cpe")), purl


def _define(found: dict[str, Product], product: Any, path: str, ctx: dict[str, str],
            issues: Issues) -> None:
    data = obj(product)
    pid = text(data.get("product_id"))
    if not pid:
        issues.warn(path, "product without product_id: skipped")
        return
    if pid in found:
        issues.warn(path, f"product id {pid!r} defined twice: first definition kept")
        return
    cpe, purl = _helper(data)
    found[pid] = Product(
        product_id=pid, name=text(data.get("name")), path=path,
        vendor=ctx.get("vendor", ""), family=ctx.get("product_family", ""),
        product_name=ctx.get("product_name", ""), version=ctx.get("version", ""),
        version_range=ctx.get("product_version_range", ""), arch=ctx.get("architecture", ""),
        cpe=cpe, purl=purl,
    )


def _walk(found: dict[str, Product], branches: Any, path: str, ctx: dict[str, str],
          issues: Issues, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        issues.warn(path, "branches nested too deeply: rest ignored")
        return
    for i, branch in enumerate(arr(branches)):
        here = f"{path}[{i}]"
        data = obj(branch)
        category, name = text(data.get("category")), text(data.get("name"))
        # NOTE: Fortinet's CSAF uses the undefined category "product" for product_name.
        if category == "product":
            category = "product_name"
        inner = dict(ctx)
        if category in _VERSION_CATEGORIES:
            inner["version"] = name  # the deepest one wins: Cisco nests service packs
        elif category:
            inner[category] = name
        if "product" in data:
            _define(found, data["product"], f"{here}.product", inner, issues)
        _walk(found, data.get("branches"), f"{here}.branches", inner, issues, depth + 1)


def _relate(found: dict[str, Product], relationships: list[Any], issues: Issues) -> None:
    pending = list(enumerate(relationships))
    while pending:  # relationships may build on composed ids: resolve until stable
        waiting = []
        for i, rel in pending:
            data = obj(rel)
            comp_id = text(data.get("product_reference"))
            plat_id = text(data.get("relates_to_product_reference"))
            if comp_id in found and plat_id in found:
                full = obj(data.get("full_product_name"))
                pid = text(full.get("product_id"))
                path = f"$.product_tree.relationships[{i}]"
                if not pid:
                    issues.warn(path, "relationship without full_product_name.product_id: skipped")
                elif pid in found:
                    issues.warn(path, f"product id {pid!r} defined twice: first definition kept")
                else:
                    cpe, purl = _helper(full)
                    comp = found[comp_id]
                    found[pid] = replace(
                        comp, product_id=pid, name=text(full.get("name")), path=path,
                        cpe=cpe or comp.cpe, purl=purl or comp.purl,
                        component=comp, platform=found[plat_id],
                        relation=text(data.get("category")),
                    )
            else:
                waiting.append((i, rel))
        if len(waiting) == len(pending):
            for i, rel in waiting:
                data = obj(rel)
                missing = [ref for ref in (text(data.get("product_reference")),
                                           text(data.get("relates_to_product_reference")))
                           if ref not in found]
                issues.warn(f"$.product_tree.relationships[{i}]",
                            f"relationship refers to undefined product id(s) {missing}: skipped")
            return
        pending = waiting


def resolve_tree(tree: Any, issues: Issues) -> dict[str, Product]:
    """All product ids of a ``product_tree`` (a missing tree gives none)."""
    found: dict[str, Product] = {}
    # A tree of the wrong shape would store the advisory without its products,
    # wiping what an earlier good revision gave: the document is refused instead.
    if tree is not None and not isinstance(tree, dict):
        issues.fatal("$.product_tree", f"expected an object, found {type(tree).__name__}")
    data = obj(tree)
    for key in ("branches", "full_product_names", "relationships"):
        if key in data and not isinstance(data[key], list):
            issues.fatal(f"$.product_tree.{key}", f"expected an array, found {type(data[key]).__name__}")
    _walk(found, data.get("branches"), "$.product_tree.branches", {}, issues)
    for i, product in enumerate(arr(data.get("full_product_names"))):
        _define(found, product, f"$.product_tree.full_product_names[{i}]", {}, issues)
    _relate(found, arr(data.get("relationships")), issues)
    return found
