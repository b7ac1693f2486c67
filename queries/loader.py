"""Load the osquery SQL files of this folder and build an osquery pack from them.

Each ``*.sql`` file holds one query and starts with a header of ``--`` lines::

    -- name: deb_packages            (must equal the file name without .sql)
    -- platforms: linux              (windows, linux, darwin, all; comma list)
    -- yields: software (deb)        (free text: what the collector gets out)
    -- required: yes                 (optional; default no)
    -- limit: 500                    (optional: at most this many rows; triage/ needs it)
    -- interval: 3600                (optional: seconds between runs when osqueryd
                                      schedules it; default DEFAULT_INTERVAL)

Other ``--`` lines in the header are free comments; a lowercase ``word:`` that
is not one of the keys above is a typo and rejected (``NOTE:`` is a comment).
The collector runs the queries over osquery's Thrift socket; ``build_pack``
turns the same files into an osquery pack for ``osqueryd`` to schedule. The
``triage/`` subfolder holds the triage snapshot's queries, run once when the
server asks (:func:`load_triage_queries`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

QUERIES_DIR = Path(__file__).resolve().parent
TRIAGE_DIR = QUERIES_DIR / "triage"
PLATFORMS = ("windows", "linux", "darwin")
_KEYS = ("name", "platforms", "yields", "required", "limit", "interval")
# How often osqueryd runs a query it schedules itself (osquery's TLS API,
# ``build_pack``) when the header names no interval: the collector's own
# default period.
DEFAULT_INTERVAL = 3600
MIN_INTERVAL = 60
_KEY_LINE = re.compile(r"^--\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class QueryFileError(ValueError):
    """A query file whose header or body cannot be used."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path.name}: {message}")
        self.path = path


@dataclass(frozen=True)
class Query:
    name: str
    platforms: frozenset[str]  # subset of PLATFORMS; all three for "all"
    yields: str
    sql: str  # the body, header removed
    required: bool = False
    limit: int | None = None  # row cap: the runner asks for one more row to tell it was reached
    interval: int = DEFAULT_INTERVAL  # seconds between scheduled runs (osqueryd's schedule)

    def applies_to(self, platform: str) -> bool:
        return platform in self.platforms

    @property
    def compact_sql(self) -> str:
        """The body on one line without comment lines (for packs and logs)."""
        lines = (line.strip() for line in self.sql.splitlines())
        return " ".join(line for line in lines if line and not line.startswith("--"))


def parse_query(path: Path, text: str) -> Query:
    """Parse one query file; raises :class:`QueryFileError` when malformed."""
    lines = text.splitlines()
    header: dict[str, str] = {}
    body_start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        body_start = number
        match = _KEY_LINE.match(stripped)
        if match is None:
            continue  # a free comment
        key, value = match.groups()
        if key not in _KEYS:
            raise QueryFileError(path, f"line {number}: unknown header key {key!r} (known: {', '.join(_KEYS)})")
        if key in header:
            raise QueryFileError(path, f"line {number}: header key {key!r} given twice")
        header[key] = value
    missing = [key for key in _KEYS[:3] if not header.get(key)]
    if missing:
        expected = f"expected '-- {missing[0]}: ...' lines at the top"
        raise QueryFileError(path, f"header lacks {', '.join(missing)} ({expected})")
    name = header["name"]
    if not _NAME.match(name) or name != path.stem:
        raise QueryFileError(path, f"name {name!r} must be lowercase_with_underscores and equal the file name")
    sql = "\n".join(lines[body_start:]).strip()
    if not sql:
        raise QueryFileError(path, "no SQL after the header")
    return Query(
        name=name,
        platforms=_parse_platforms(path, header["platforms"]),
        yields=header["yields"],
        sql=sql,
        required=_parse_bool(path, header.get("required", "no")),
        limit=_parse_limit(path, header["limit"]) if "limit" in header else None,
        interval=_parse_interval(path, header["interval"]) if "interval" in header else DEFAULT_INTERVAL,
    )


def _parse_platforms(path: Path, value: str) -> frozenset[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if names == ["all"]:
        return frozenset(PLATFORMS)
    unknown = [name for name in names if name not in PLATFORMS]
    if unknown or not names:
        raise QueryFileError(path, f"platforms {value!r}: use 'all' or a list of {', '.join(PLATFORMS)}")
    return frozenset(names)


def _parse_bool(path: Path, value: str) -> bool:
    if value.lower() in ("yes", "true"):
        return True
    if value.lower() in ("no", "false"):
        return False
    raise QueryFileError(path, f"required {value!r}: use yes or no")


def _parse_limit(path: Path, value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise QueryFileError(path, f"limit {value!r}: use a whole number of rows, at least 1")
    return int(value)


def _parse_interval(path: Path, value: str) -> int:
    if not value.isdigit() or int(value) < MIN_INTERVAL:
        raise QueryFileError(path, f"interval {value!r}: use a whole number of seconds, at least {MIN_INTERVAL}")
    return int(value)


def _sql_files(folder: Path) -> list[tuple[Path, str]]:
    """``(path, text)`` of each ``*.sql`` in ``folder``, by name. This package's own folders
    are read through importlib.resources: in the single-file collector they are inside a zip."""
    if folder in (QUERIES_DIR, TRIAGE_DIR):
        tree = resources.files(__package__)
        tree = tree / "triage" if folder == TRIAGE_DIR else tree
        entries = sorted((e for e in tree.iterdir() if e.name.endswith(".sql") and e.is_file()), key=lambda e: e.name)
        return [(folder / entry.name, entry.read_text(encoding="utf-8")) for entry in entries]
    return [(path, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.sql"))]


def load_queries(directory: Path | None = None) -> list[Query]:
    """Every query in ``directory`` (default: this package), sorted by name."""
    folder = directory or QUERIES_DIR
    queries = [parse_query(path, text) for path, text in _sql_files(folder)]
    if not queries:
        raise QueryFileError(folder, "no *.sql query files found")
    return queries


def load_triage_queries(directory: Path | None = None) -> list[Query]:
    """The triage queries (``triage/``): every one must carry a ``limit``."""
    queries = load_queries(directory or TRIAGE_DIR)
    for query in queries:
        if query.limit is None:
            raise QueryFileError(Path(f"{query.name}.sql"), "a triage query needs a '-- limit: ROWS' line")
    return queries


def build_pack(queries: list[Query] | None = None, *, interval: int | None = None) -> dict[str, Any]:
    """An osquery pack (the JSON ``osqueryd --config_path`` accepts under
    ``packs``) scheduling every query as a snapshot, each at its header's
    interval unless ``interval`` sets one for all. Its ``queries`` are also
    the ``schedule`` the server's osquery TLS config hands out."""
    pack_queries: dict[str, dict[str, Any]] = {}
    for query in queries if queries is not None else load_queries():
        entry: dict[str, Any] = {
            "query": query.compact_sql,
            "interval": interval or query.interval,
            "snapshot": True,
            "description": query.yields,
        }
        # osquery reads a missing platform as "every platform".
        if query.platforms != frozenset(PLATFORMS):
            entry["platform"] = ",".join(sorted(query.platforms))
        pack_queries[query.name] = entry
    return {"queries": pack_queries}
