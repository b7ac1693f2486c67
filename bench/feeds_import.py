"""``python -m bench.feeds_import``: a CSAF provider directory of 2,000 documents, synced and imported.

    .venv/bin/python -m bench.feeds_import                          # 2,000 documents, SQLite
    .venv/bin/python -m bench.feeds_import --documents 300          # quick
    .venv/bin/python -m bench.feeds_import --db postgresql://user:pw@127.0.0.1/postgres

Writes a synthetic CSAF 2.0 provider (``provider-metadata.json``, year
folders, ``.sha512`` files, ``index.txt``, ``changes.csv``) derived from the
project's CSAF fixtures and, when ``../shared/testdata`` exists, CISA's real
documents; serves it over HTTP on 127.0.0.1; and times, against a fresh
database holding a few hosts (so re-matching has work):

- parse-only of the same documents from disk (``CsafFeed().parse``): the floor;
- the first ``feeds sync`` of a configured feed (listing, hash check, parse,
  store, re-match), the same sync with nothing changed, and one after a few
  documents changed;
- ``feeds import`` of the same folder from disk (air-gapped sites) into a
  second fresh database, and the same import again (every document a no-op).

A benchmark, not a test: it prints figures and never fails on them.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import platform
import re
import resource
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from collector import wire
from server.advisories import feedsync
from server.advisories.files import FeedOptions, import_paths
from server.advisories.importer import ImportSummary
from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Advisory, Affected, Finding, Host
from server.feeds.csaf import CsafFeed
from tests.reports import debian_host, software, store_report, windows_host

from bench.load import drop_database, fresh_database

NOW = dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.timezone.utc)
PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures" / "csaf"
# The same door to ../shared/testdata as tests/conftest.py.
SHARED = Path(os.environ.get("PATCHGAP_SHARED_TESTDATA") or PROJECT.parent / "shared" / "testdata")
SHARED_CSAF = SHARED / "feeds" / "csaf" / "cisa-provider-it" / "white"
METADATA = ".well-known/csaf/provider-metadata.json"
DIRECTORY = ".well-known/csaf/white"
# Documents name themselves by this URL; the served copy's port changes every run.
CANONICAL = "https://csaf.bench.example/.well-known/csaf/white"
YEARS = tuple(range(2019, 2025))
PACKAGES = 40  # distinct deb sources / rpm names / generic products the fixture-derived documents name
T = TypeVar("T")


# --- the provider directory ---------------------------------------------------

@dataclass(frozen=True)
class Template:
    """One source document; ``kind`` says which of its values are varied."""

    kind: str  # "widget" (pg-tiny fixture), "msrc" (Windows fixture), "real" (CISA)
    prefix: str  # of the generated tracking ids
    text: str


def templates() -> list[Template]:
    """The project's fixtures, plus CISA's real documents when ``../shared`` is there."""
    found = [Template("widget", "PG-BENCH", (FIXTURES / "pg-tiny-2024-0001.json").read_text("utf-8")),
             Template("msrc", "MSRC-BENCH", (FIXTURES / "msrc-windows-2099-0001.json").read_text("utf-8"))]
    if SHARED_CSAF.is_dir():
        found += [Template("real", "VA-BENCH", p.read_text("utf-8")) for p in sorted(SHARED_CSAF.glob("*/*.json"))]
    return found


def _pick(k: int, found: list[Template]) -> Template:
    """Half the documents from the widget fixture (they carry deb, rpm and
    generic items the hosts have), a fifth Windows, the rest CISA's shapes."""
    bucket = k % 10
    real = [t for t in found if t.kind == "real"]
    if bucket < 5 or (bucket >= 7 and not real):
        return found[0]
    if bucket < 7:
        return found[1]
    return real[k % len(real)]


def file_name(tracking_id: str) -> str:
    """CSAF 2.0 section 5.1: lower case, anything but ``+-a-z0-9`` becomes ``_``."""
    return re.sub(r"[^+\-a-z0-9]+", "_", tracking_id.lower()) + ".json"


def _substitute(source: str, replacements: dict[str, str]) -> str:
    """Every key replaced in one pass, so a replacement is never replaced again."""
    if not replacements:
        return source
    pattern = re.compile("|".join(re.escape(k) for k in sorted(replacements, key=len, reverse=True)))
    return pattern.sub(lambda m: replacements[m.group(0)], source)


def make_document(template: Template, k: int, variant: int, year: int, revision: int) -> dict[str, Any]:
    """Document ``k`` (``variant``-th of its template): unique id and CVE ids,
    product names and fixed versions varied; ``revision`` 2 fixes later versions."""
    minor = variant // PACKAGES % 10
    series = variant % PACKAGES
    replacements = {cve: f"CVE-{year}-{100000 + k * 8 + i}"
                    for i, cve in enumerate(dict.fromkeys(re.findall(r"CVE-\d{4}-\d{4,}", template.text)))}
    if template.kind == "widget":
        replacements.update({
            "Widget Server": f"Bench Server {series}", "Widget Agent": f"Bench Agent {series}",
            "widget-py": f"bench-py{series}", "widget-libs": f"bench-libs{series}", "libwidget": f"libbench{series}",
            "1.4.2-1": f"1.{minor}.{revision + 1}-1", "2.3-4.el9": f"2.{minor}-{revision + 3}.el9",
            "2.4.1": f"2.{minor}.{revision}",
        })
    elif template.kind == "msrc":
        replacements.update({"10.0.22631.4890": f"10.0.22631.{4000 + variant % 900 + revision}",
                             "5051989": str(5_050_000 + k)})
    doc: dict[str, Any] = json.loads(_substitute(template.text, replacements))
    if template.kind == "real":
        _rename_products(doc.get("product_tree", {}), series)
    document = doc["document"]
    tracking_id = f"{template.prefix}-{year}-{k:05d}"
    released = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=3 * k % 8000)
    history = [{"date": _iso(released), "number": "1", "summary": "Initial release"}]
    if revision > 1:
        history.append({"date": _iso(NOW + dt.timedelta(minutes=k)), "number": str(revision),
                        "summary": "Fixed versions corrected"})
        document["title"] = f"{document.get('title', tracking_id)} (revised)"
    document["tracking"].update(id=tracking_id, version=str(revision), status="final",
                                initial_release_date=_iso(released), current_release_date=history[-1]["date"],
                                revision_history=history)
    for reference in document.get("references", []):
        if reference.get("category") == "self":
            reference["url"] = f"{CANONICAL}/{year}/{file_name(tracking_id)}"
    return doc


def _rename_products(node: dict[str, Any], series: int) -> None:
    """A real document's product names get a series number: 2,000 documents
    of one provider name many products, not the same four."""
    for branch in node.get("branches", []):
        if branch.get("category") == "product_name":
            branch["name"] = f"{branch['name']} {series}"
        _rename_products(branch, series)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Site:
    """A provider directory on disk: ``root`` is what the HTTP server serves."""

    root: Path
    documents: list[Path] = field(default_factory=list)  # relative to the directory
    plan: list[tuple[Template, int, int]] = field(default_factory=list)  # template, variant, year per document
    stamps: dict[str, str] = field(default_factory=dict)  # relative path -> changes.csv timestamp
    templates: list[Template] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        """The directory distribution: year folders and listings."""
        return self.root / DIRECTORY

    @property
    def provider(self) -> Path:
        """The provider folder as an admin would copy it (metadata and directory)."""
        return self.directory.parent

    def paths(self) -> list[Path]:
        return [self.directory / relative for relative in self.documents]

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in self.paths())


def build_site(root: Path, count: int) -> Site:
    """Write ``count`` documents, their ``.sha512`` files and both listings."""
    found = templates()
    site = Site(root, templates=found)
    variants: dict[int, int] = {}
    for k in range(count):
        template = _pick(k, found)
        variant = variants.get(id(template), 0)
        variants[id(template)] = variant + 1
        year = YEARS[k * len(YEARS) // count]
        site.plan.append((template, variant, year))
        site.documents.append(_write(site, k, 1))
    _write_listings(site)
    return site


def _write(site: Site, k: int, revision: int) -> Path:
    template, variant, year = site.plan[k]
    doc = make_document(template, k, variant, year, revision)
    relative = Path(str(year)) / file_name(doc["document"]["tracking"]["id"])
    target = site.directory / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")
    target.write_bytes(data)
    target.with_name(target.name + ".sha512").write_text(f"{hashlib.sha512(data).hexdigest()}  {target.name}\n")
    site.stamps[relative.as_posix()] = doc["document"]["tracking"]["current_release_date"]
    return relative


def _write_listings(site: Site) -> None:
    """``index.txt`` in path order, ``changes.csv`` newest first (CSAF 7.1.13, 7.1.14)."""
    (site.directory / "index.txt").write_text("".join(f"{p.as_posix()}\n" for p in site.documents))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(sorted(site.stamps.items(), key=lambda row: (row[1], row[0]), reverse=True))
    (site.directory / "changes.csv").write_text(out.getvalue())


def change_documents(site: Site, count: int) -> list[Path]:
    """Publish revision 2 of ``count`` documents spread over the directory."""
    step = max(1, len(site.documents) // max(1, count))
    changed = [_write(site, k, 2) for k in range(0, len(site.documents), step)[:count]]
    _write_listings(site)
    return changed


def write_metadata(site: Site, base: str) -> str:
    """``provider-metadata.json`` naming the served directory; returns its URL."""
    url = f"{base}/{METADATA}"
    metadata = {
        "canonical_url": url, "distributions": [{"directory_url": f"{base}/{DIRECTORY}/"}],
        "last_updated": _iso(NOW), "list_on_CSAF_aggregators": False, "metadata_version": "2.0",
        "publisher": {"category": "vendor", "name": "patchgap benchmark provider",
                      "namespace": "https://csaf.bench.example"},
        "role": "csaf_provider",
    }
    (site.root / METADATA).write_text(json.dumps(metadata, indent=2))
    return url


# --- serving it ---------------------------------------------------------------

class _Handler(SimpleHTTPRequestHandler):
    """Static files, keep-alive (as real providers), no request log, counted."""

    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection frees its thread
    # Headers and body go out in two writes: with Nagle on, each keep-alive
    # response waits ~40 ms for the client's delayed ACK, which is this test
    # server's cost, not the sync's.
    disable_nagle_algorithm = True
    counter: list[int]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """No request log on stderr."""

    def do_GET(self) -> None:
        self.counter[0] += 1  # one client at a time: no lock needed
        super().do_GET()


@dataclass
class Served:
    base: str
    requests: list[int]


@contextmanager
def serve(root: Path) -> Iterator[Served]:
    """Serve ``root`` on 127.0.0.1 for the ``with`` block, then stop the server."""
    counter = [0]
    handler = type("Handler", (_Handler,), {"counter": counter})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="bench-csaf-provider", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", counter)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# --- the database -------------------------------------------------------------

def fleet() -> list[wire.Report]:
    """Four Debian 12 hosts, one RHEL 9 and one Windows 11 23H2, holding the
    packages and builds the fixture-derived documents name at mixed versions."""
    reports = []
    for h in range(4):
        packages = [software(f"libbench{j}-1", f"1.{(j + h) % 10}.1-1", source=f"libbench{j}")
                    for j in range(PACKAGES)]
        reports.append(debian_host(uuid=f"bench-deb-{h}", hostname=f"deb-{h}",
                                   packages=packages + _debian_base(), collected_at=NOW))
    rpms = [software(f"bench-libs{j}", f"1:2.{j % 10}-3.el9", ecosystem="rpm", arch="x86_64")
            for j in range(PACKAGES)]
    reports.append(wire.Report(
        host=wire.HostInfo(uuid="bench-rhel-0", hostname="rhel-0"),
        os=wire.OsInfo(name="Red Hat Enterprise Linux", version="9.4 (Plow)", platform="rhel",
                       platform_like="fedora", major=9, minor=4, arch="x86_64"),
        collector=wire.CollectorInfo(version="0.1.0", source="native"),
        collected_at=NOW.isoformat(), software=rpms))
    reports.append(windows_host(uuid="bench-win-0", hostname="WIN-0", build="10.0.22631.4450",
                                kbs=("KB5050100",)))
    return reports


def _debian_base() -> list[wire.Software]:
    return [software("openssl", "3.0.11-1~deb12u2"), software("curl", "7.88.1-10+deb12u14"),
            software("libc6", "2.36-9+deb12u14", source="glibc")]


def add_fleet(sessions: sessionmaker[Session]) -> int:
    """Enrol and report the hosts, as the server does for a collector."""
    reports = fleet()
    with sessions.begin() as session:
        for report in reports:
            store_report(session, report, "Phòng Kỹ thuật", NOW)
    return len(reports)


def describe_db(sessions: sessionmaker[Session]) -> str:
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            return f"SQLite {session.scalar(text('select sqlite_version()'))}"
        version = str(session.scalar(text("show server_version")))
        return f"PostgreSQL {version.split()[0]}"


def table_counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return {name: session.scalar(select(func.count()).select_from(model)) or 0
                for name, model in (("advisories", Advisory), ("affected", Affected), ("hosts", Host))} | {
            "open findings": session.scalar(select(func.count()).select_from(Finding)
                                            .where(Finding.resolved_at.is_(None))) or 0}


# --- the measured steps -------------------------------------------------------

@dataclass
class Step:
    """One measured step: ``documents`` parsed (0 when none was fetched),
    ``stored`` advisories new or updated by it."""

    key: str  # parse, sync, resync, partial, import, reimport
    name: str
    seconds: float
    documents: int
    stored: int = 0
    listed: int = 0
    requests: int | None = None
    note: str = ""
    traced_mib: float | None = None
    opened: int = 0


@dataclass
class Results:
    count: int
    changed: int
    db: str
    site_bytes: int
    templates: str
    hosts: int
    steps: list[Step]
    peak_rss_mib: float
    tables: dict[str, int]
    import_tables: dict[str, int]

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


def _timed(action: Callable[[], T], trace: bool) -> tuple[T, float, float | None]:
    """(result, seconds, tracemalloc peak in MiB when tracing)."""
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    start = time.perf_counter()
    try:
        result = action()
    finally:
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        if trace:
            tracemalloc.stop()
    return result, seconds, traced


def parse_only(site: Site) -> int:
    """The floor: read and parse every document, nothing else."""
    feed = CsafFeed()
    return sum(1 for path in site.paths() for parsed in feed.parse(path) if parsed.ok)


def sync(sessions: sessionmaker[Session], cache: Path) -> ImportSummary:
    """``patchgap feeds sync bench``: read, fetch with no transaction open, import."""
    outcome = feedsync.sync(sessions.begin, "bench", cache, NOW)
    if outcome.summary is None:
        raise RuntimeError(f"bench feed sync failed: {outcome.error}")
    return outcome.summary


def import_folder(sessions: sessionmaker[Session], folder: Path) -> ImportSummary:
    """``patchgap feeds import <folder>``: one transaction, committed."""
    with sessions.begin() as session:
        return import_paths(session, [folder], None, NOW, FeedOptions())


def _stored(summary: ImportSummary) -> int:
    return summary.statuses["new"] + summary.statuses["updated"]


def _sync_step(key: str, name: str, sessions: sessionmaker[Session], cache: Path, served: Served,
               trace: bool) -> Step:
    before = served.requests[0]
    summary, seconds, traced = _timed(lambda: sync(sessions, cache), trace)
    fatal = [p for p in summary.problems if p.fatal]
    note = f"{summary.unchanged_documents:,} unchanged, not fetched" if summary.unchanged_documents else ""
    if fatal:
        note += f"; {len(fatal)} skipped, first: {fatal[0].file}: {fatal[0].reason}"
    return Step(key, name, seconds, summary.documents, stored=_stored(summary),
                listed=summary.documents + summary.unchanged_documents, requests=served.requests[0] - before,
                note=note.strip("; "), traced_mib=traced, opened=summary.findings.opened)


def _import_step(key: str, name: str, sessions: sessionmaker[Session], folder: Path, trace: bool) -> Step:
    summary, seconds, traced = _timed(lambda: import_folder(sessions, folder), trace)
    statuses = ", ".join(f"{n:,} {s}" for s, n in sorted(summary.statuses.items()))
    csaf = summary.by_kind.get("csaf", summary)
    return Step(key, name, seconds, csaf.documents, stored=_stored(summary), listed=csaf.documents,
                note=f"advisories {statuses}", traced_mib=traced, opened=summary.findings.opened)


def run(db: str, count: int, changed: int, workdir: Path, trace: bool = False) -> Results:
    """Build the provider, measure every step, drop the databases."""
    site = build_site(workdir / "site", count)
    parsed, seconds, traced = _timed(lambda: parse_only(site), trace)
    steps = [Step("parse", "parse only (CsafFeed().parse from disk)", seconds, parsed, listed=count, traced_mib=traced)]
    (workdir / "sync").mkdir()
    (workdir / "import").mkdir()
    sync_url, sync_admin = fresh_database(db, workdir / "sync")
    import_url = import_admin = None
    try:
        engine = make_engine(sync_url)
        sessions = make_sessionmaker(engine)
        hosts = add_fleet(sessions)
        db_name = describe_db(sessions)
        cache = workdir / "cache"
        with serve(site.root) as served:
            with sessions.begin() as session:
                feedsync.add_feed(session, "bench", "csaf", write_metadata(site, served.base), {})
            steps.append(_sync_step("sync", "first sync over HTTP", sessions, cache, served, trace))
            steps.append(_sync_step("resync", "sync again, nothing changed", sessions, cache, served, trace))
            change_documents(site, changed)
            steps.append(_sync_step("partial", f"sync after {changed} documents changed", sessions, cache, served,
                                    trace))
        tables = table_counts(sessions)
        engine.dispose()

        import_url, import_admin = fresh_database(db, workdir / "import")
        engine = make_engine(import_url)
        sessions = make_sessionmaker(engine)
        add_fleet(sessions)
        steps.append(_import_step("import", "feeds import of the folder (offline)", sessions, site.provider, trace))
        steps.append(_import_step("reimport", "feeds import again, unchanged", sessions, site.provider, trace))
        import_tables = table_counts(sessions)
        engine.dispose()
    finally:
        drop_database(sync_url, sync_admin)
        if import_url is not None:
            drop_database(import_url, import_admin)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kinds = ", ".join(f"{sum(1 for t, _, _ in site.plan if t.kind == kind)} {kind}"
                      for kind in ("widget", "msrc", "real"))
    return Results(count, changed, db_name, site.size, kinds, hosts, steps, peak, tables, import_tables)


# --- the table ----------------------------------------------------------------

def _seconds(value: float) -> str:
    return f"{value:,.2f} s" if value >= 1 else f"{value * 1000:,.0f} ms"


def render(results: Results) -> str:
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    floor = results.steps[0].seconds
    traced = any(step.traced_mib is not None for step in results.steps)
    lines = [
        f"patchgap CSAF provider import benchmark: {results.count:,} documents "
        f"({results.site_bytes / 2**20:,.1f} MiB; {results.templates}), {results.hosts} hosts",
        f"environment: {usable} of {cpus} CPUs, Python {platform.python_version()}, {results.db}, "
        f"HTTP on 127.0.0.1 (stdlib server, keep-alive)",
        "",
        f"{'step':<42}{'seconds':>11}{'documents':>11}{'docs/s':>9}{'x parse':>9}{'HTTP':>7}"
        + (f"{'traced':>10}" if traced else "") + "  note",
    ]
    for step in results.steps:
        # Documents per second over what the step had to look at: a no-op sync
        # still lists every document.
        rate = f"{step.listed / step.seconds:,.0f}" if step.seconds and step.listed else "-"
        requests = f"{step.requests:,}" if step.requests is not None else "-"
        memory = f"{step.traced_mib:,.1f} MiB" if step.traced_mib is not None else "-"
        note = "; ".join(part for part in (step.note, f"{step.opened:,} findings opened" if step.opened else "")
                         if part)
        lines.append(f"{step.name:<42}{_seconds(step.seconds):>11}{step.documents:>11,}{rate:>9}"
                     f"{step.seconds / floor if floor else 0:>8.2f}x{requests:>7}"
                     + (f"{memory:>10}" if traced else "") + f"  {note}".rstrip())
    lines += [
        "",
        "documents = parsed by the step (a sync parses only what it fetched); "
        "docs/s = documents listed or read / seconds; x parse = seconds / parse-only seconds",
        f"peak memory (ru_maxrss of the whole process, HTTP server included): {results.peak_rss_mib:,.0f} MiB",
        f"synced database after: {results.tables}",
        f"imported database after: {results.import_tables}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds_import", description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2_000, help="documents in the provider (default 2000)")
    parser.add_argument("--changed", type=int, default=20, help="documents revised before the third sync")
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a postgresql:// admin URL")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations per step (slower)")
    parser.add_argument("--workdir", type=Path, default=None, help="an empty folder to work in (default: temporary)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="patchgap-feeds-bench-") as tmp:
        results = run(args.db, args.documents, min(args.changed, args.documents), args.workdir or Path(tmp),
                      trace=args.tracemalloc)
    print(render(results))


if __name__ == "__main__":
    main()
