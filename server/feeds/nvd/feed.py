"""The NVD feed: saved CVE API 2.0 answers (and 1.1 data feed files).

Accepted: a ``.json`` or ``.json.gz`` file, or a folder of them. A CVE API
2.0 page is ``{"format": "NVD_CVE", "vulnerabilities": [{"cve": {...}}]}``;
a 1.1 feed is ``{"CVE_Items": [...]}``. One :class:`Parsed` per file.
"""
from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from server.feeds.interface import Feed, FeedError, Parsed, Problem
from server.feeds.limits import TooLarge, read_bounded, read_document
from server.feeds.nvd.cve import advisory, cve_id
from server.feeds.nvd.legacy import is_legacy, to_api2

_SUFFIXES = (".json", ".json.gz")


class NvdFeed(Feed):
    """National Vulnerability Database CVE records."""

    kind = "nvd"

    def parse(self, path: Path) -> Iterator[Parsed]:
        """One :class:`Parsed` per JSON file under ``path``."""
        if path.is_file():
            files = [path]
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(_SUFFIXES))
        else:
            raise FeedError(f"{path}: no such file or folder")
        for file in files:
            yield parse_file(file)


def _read(file: Path) -> bytes:
    data = read_document(file)
    if data[:2] != b"\x1f\x8b":
        return data
    # The limit is on the decompressed document (a small .gz can hold a huge
    # one); gzip's stated size is unreliable in a cut file, so the read is bounded.
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
        return read_bounded(unzipped)


def parse_file(file: Path) -> Parsed:
    """Parse one saved NVD answer; a broken file is one fatal :class:`Problem`."""
    source = str(file)
    try:
        data = json.loads(_read(file))
    except TooLarge as exc:
        return Parsed(source, problems=[Problem(source, str(exc))])
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return Parsed(source, problems=[Problem(source, f"not readable NVD JSON: {exc}")])
    return parse_data(data, source)


def parse_data(data: object, source: str) -> Parsed:
    """Parse decoded NVD JSON (either shape)."""
    parsed = Parsed(source)
    if is_legacy(data):
        entries: list[tuple[str, Any]] = [
            (f"CVE_Items[{i}]", to_api2(item) if isinstance(item, dict) else None)
            for i, item in enumerate(data["CVE_Items"])  # type: ignore[index]
        ]
    elif isinstance(data, dict) and isinstance(data.get("vulnerabilities"), list):
        entries = [(f"vulnerabilities[{i}].cve", v.get("cve") if isinstance(v, dict) else None)
                   for i, v in enumerate(data["vulnerabilities"])]
    else:
        parsed.problems.append(Problem(
            source, "not an NVD CVE API 2.0 answer ('vulnerabilities') or 1.1 feed ('CVE_Items')"))
        return parsed
    for path, cve in entries:
        if not cve_id(cve):
            parsed.problems.append(Problem(source, "entry without a valid CVE id: skipped",
                                           path=path, fatal=False))
            continue
        parsed.advisories.append(advisory(cve))
    return parsed
