"""The MSRC feed: files and folders of MSRC downloads -> :class:`Parsed`.

Accepted inputs, sniffed by content:

- monthly CVRF documents, XML (``cvrfDocument-2024-Jun.xml``) or JSON;
- Security Update Guide API pages (``vulnerability``, ``affectedProduct``,
  ``deployment``); the pages of one folder are merged into one document;
- the CVRF release index (``/cvrf/v3.0/updates``): no advisories, a warning.

A folder is searched recursively for ``*.xml`` and ``*.json`` files.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from server.feeds.interface import Feed, FeedError, Parsed, Problem
from server.feeds.limits import TooLarge, read_document
from server.feeds.msrc.cvrf_json import is_cvrf_json, read_cvrf_json
from server.feeds.msrc.cvrf_xml import read_cvrf_xml
from server.feeds.msrc.model import MsrcDoc, MsrcKb
from server.feeds.msrc.normalise import advisory
from server.feeds.msrc.sug import ENTITIES, MsrcRelease, page_entity, read_releases, read_sug_pages


class MsrcFeed(Feed):
    """Microsoft Security Response Center: CVRF documents and SUG API pages."""

    kind = "msrc"

    def parse(self, path: Path) -> Iterator[Parsed]:
        """One :class:`Parsed` per CVRF document and per folder of SUG pages."""
        for doc in load(path):
            yield to_parsed(doc)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))
    raise FeedError(f"{path}: no such file or folder")


def load(path: Path) -> Iterator[MsrcDoc]:
    """Read every MSRC document under ``path`` (see the module docstring)."""
    pages: dict[Path, list[tuple[str, object]]] = {}
    for file in _files(path):
        source = str(file)
        try:
            data = read_document(file)
        except OSError as exc:
            yield _failed(source, f"cannot read: {exc}")
            continue
        except TooLarge as exc:
            yield _failed(source, str(exc))
            continue
        if data.lstrip()[:1] == b"<":
            yield read_cvrf_xml(data, source)
            continue
        try:
            decoded = json.loads(data)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            yield _failed(source, f"neither CVRF XML nor JSON: {exc}")
            continue
        entity = page_entity(decoded)
        if is_cvrf_json(decoded):
            yield read_cvrf_json(decoded, source)  # type: ignore[arg-type]
        elif entity in ENTITIES:
            pages.setdefault(file.parent, []).append((source, decoded))
        elif entity.lower() == "updates":
            count = len(read_releases(decoded))
            yield _failed(source, f"CVRF release index ({count} documents): no advisories; "
                          "import the documents it links", fatal=False)
        else:
            yield _failed(source, "not an MSRC CVRF document or Security Update Guide page")
    for folder, folder_pages in pages.items():
        source = folder_pages[0][0] if len(folder_pages) == 1 else str(folder)
        yield read_sug_pages(folder_pages, source)


def _failed(source: str, reason: str, fatal: bool = True) -> MsrcDoc:
    return MsrcDoc(source, problems=[Problem(source, reason, fatal=fatal)])


def to_parsed(doc: MsrcDoc) -> Parsed:
    """Normalise one document; its problems come along."""
    parsed = Parsed(doc.source, problems=list(doc.problems))
    if not parsed.ok:
        return parsed
    parsed.advisories = [advisory(vuln, doc.products) for vuln in doc.vulns]
    unknown = sorted({f.product_id for v in doc.vulns for f in v.fixes} - set(doc.products))
    if unknown:
        parsed.problems.append(Problem(
            doc.source, "fixes name product ids missing from the product list: "
            + ", ".join(unknown), fatal=False))
    return parsed


def parse_kbs(path: Path) -> list[MsrcKb]:
    """Every KB named under ``path``: what it fixes and which KBs it supersedes.

    Raises :class:`FeedError` when a document cannot be read at all.
    """
    found: dict[str, dict[str, dict[str, None]]] = {}  # KB -> field -> ordered values
    for doc in load(path):
        fatal = [p for p in doc.problems if p.fatal]
        if fatal:
            raise FeedError(f"{fatal[0].file}: {fatal[0].reason}")
        pairs = [(v.vuln_id, f) for v in doc.vulns for f in v.fixes]
        pairs += [("", f) for f in doc.deployments]
        for cve, fix in pairs:
            if not fix.kb:
                continue
            entry = found.setdefault(fix.kb, {k: {} for k in _KB_FIELDS})
            product = doc.products.get(fix.product_id)
            values = {"supersedes": fix.supersedes, "products": (product.name if product else "",),
                      "fixed_builds": (fix.fixed_build,), "subtype": (fix.subtype,),
                      "url": (fix.url,), "cves": (cve,)}
            for key, items in values.items():
                entry[key].update((v, None) for v in items if v)
    return [MsrcKb(kb, **{k: tuple(e[k]) for k in _LISTS},
                   **{k: next(iter(e[k]), "") for k in _FIRST}) for kb, e in found.items()]


_LISTS = ("supersedes", "products", "fixed_builds", "cves")
_FIRST = ("subtype", "url")
_KB_FIELDS = _LISTS + _FIRST


def parse_releases(path: Path) -> list[MsrcRelease]:
    """The monthly documents listed by a saved ``/cvrf/v3.0/updates`` answer."""
    try:
        return read_releases(json.loads(read_document(path)))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FeedError(f"{path}: not a CVRF release index: {exc}") from exc
