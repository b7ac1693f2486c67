"""Precision and recall of RHEL matching on the real Red Hat documents in
``../shared/testdata``: hosts built just below, at and above each fix, at the
fix's minor release or another one, and hosts with packages Red Hat lists as
affected without a fix or as not affected, all sent through the real path
(CSAF parse, import, report, match, findings).

The expected answer of each host is read from the document here, apart from
the matcher, by these rules:

- a fix under a minor-release stream (CPE ``rhel_eus|aus|tus|e4s:N.M``)
  concerns hosts at exactly N.M; a host there is fixed by that fix or by the
  mainline fix of its major (CPE ``enterprise_linux:N``, MAIN.EUS included);
- a mainline fix concerns every host of that major at another minor;
- a package known affected without any fix for its major is affected in
  every version; where the same major has a fix, the fix bounds it;
- products that are not rpm packages, and rpm packages known not affected,
  never make an rpm finding.

Run: ``.venv/bin/python -m bench.redhat_accuracy`` (``--shared DIR``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collector import wire
from server.advisories.importer import import_documents
from server.db import migrate
from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Advisory, Finding, Host
from server.feeds.csaf import CsafFeed
from server.feeds.interface import Parsed
from server.versions import compare
from tests.reports import store_report

DOCUMENTS = ("redhat-streams/cve-2023-28484.vex.json", "redhat-streams/cve-2022-24834.vex.json",
             "feeds/csaf/redhat/rhsa-2023_7435.json", "feeds/csaf/redhat/cve-2023-6228.vex.json")
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.timezone.utc)
_MINOR_STREAM = re.compile(r"cpe:/[ao]:redhat:rhel_(?:eus|aus|tus|e4s):(\d+)\.(\d+)")
_MAINLINE = re.compile(r"cpe:/[ao]:redhat:(?:enterprise_linux|rhel_els):(\d+)(?::|$)")
# Layered products name the RHEL major in their CPE (":el8") or their name
# ("for RHEL 8"); Red Hat Software Collections 3 is built for RHEL 7 only.
_LAYERED = (re.compile(r"cpe:/a:redhat:[^:]+:[^:]*:[^:]*:el(\d+)"), re.compile(r"\bRHEL (\d+)\b"),
            re.compile(r"cpe:/a:redhat:rhel_software_collections:(3)\b()"))


@dataclass(frozen=True)
class Package:
    name: str
    version: str  # [epoch:]version-release, "" when none is named
    source: str
    major: int
    minor: int | None  # None: mainline
    status: str  # fixed | affected | not_affected


@dataclass(frozen=True)
class Case:
    host: str
    advisory: str
    major: int
    minor: int
    package: str
    source: str
    version: str
    affected: bool


def _purl(purl: str) -> tuple[str, str, str, dict[str, str]]:
    body, _, query = purl.partition("?")
    kind, _, rest = body[4:].partition("/")
    path, _, version = rest.partition("@")
    qualifiers = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    return kind, unquote(path.rsplit("/", 1)[-1]), unquote(version), qualifiers


def _products(tree: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    found: dict[str, dict] = {}  # type: ignore[type-arg]

    def walk(branch: dict) -> None:  # type: ignore[type-arg]
        for child in branch.get("branches", []):
            if "product" in child:
                found[child["product"]["product_id"]] = child["product"]
            walk(child)

    walk(tree)
    return found


def packages(document: dict) -> list[Package]:  # type: ignore[type-arg]
    """The rpm packages a Red Hat document names, with the RHEL stream of each."""
    products = _products(document["product_tree"])
    status_of: dict[str, str] = {}
    for vuln in document["vulnerabilities"]:
        for status, ids in vuln.get("product_status", {}).items():
            word = {"fixed": "fixed", "known_affected": "affected", "known_not_affected": "not_affected"}.get(status)
            for pid in ids if word else ():
                status_of[pid] = word
    out = []
    for relation in document["product_tree"].get("relationships", []):
        pid = relation["full_product_name"]["product_id"]
        platform = products.get(relation["relates_to_product_reference"], {})
        component = products.get(relation["product_reference"], {})
        cpe = platform.get("product_identification_helper", {}).get("cpe", "")
        purl = component.get("product_identification_helper", {}).get("purl", "")
        if pid not in status_of or not purl.startswith("pkg:rpm/"):
            continue
        kind, name, version, qualifiers = _purl(purl)
        if qualifiers.get("arch") == "src" and version:
            continue  # hosts install the binaries listed beside it
        stream, mainline = _MINOR_STREAM.match(cpe), _MAINLINE.match(cpe)
        if not (stream or mainline):
            layered = [m for pattern in _LAYERED for m in [pattern.search(f"{cpe} {platform.get('name', '')}")] if m]
            if not layered:
                continue
            mainline = re.match(r"(\d+)", "7" if "software_collections" in cpe else layered[0].group(1))
        epoch = qualifiers.get("epoch", "0")
        evr = (f"{epoch}:{version}" if epoch not in ("", "0") else version) if version else ""
        out.append(Package(name, evr, "", int((stream or mainline).group(1)),  # type: ignore[union-attr]
                           int(stream.group(2)) if stream else None, status_of[pid]))
    return [Package(p.name, p.version, _source(p, out), p.major, p.minor, p.status) for p in out]


def _source(package: Package, every: list[Package]) -> str:
    """The source package of a binary: the shortest name of the same stream and
    version that starts its name (libxml2 for python3-libxml2, libxml2-devel)."""
    same = sorted({p.name for p in every if (p.major, p.minor, p.version) == (package.major, package.minor,
                                                                               package.version)}, key=len)
    return next((n for n in same if n in package.name), package.name)


def _bump(version: str, step: int) -> str:
    """The same version with its release number moved by ``step``."""
    head, _, release = version.rpartition("-")
    number = re.match(r"\d+", release)
    assert number, version
    return f"{head}-{max(int(number.group()) + step, 0)}{release[number.end():]}"


def _below(version: str) -> str:
    lowered = _bump(version, -1)
    if compare("rpm", lowered, version) < 0:
        return lowered
    head, _, release = version.rpartition("-")
    upstream = head.rsplit(":", 1)[-1]
    parts = upstream.split(".")
    parts[-1] = str(int(re.match(r"\d+", parts[-1]).group()) - 1)  # type: ignore[union-attr]
    return head[: len(head) - len(upstream)] + ".".join(parts) + "-" + release


def cases(document: dict, advisory: str) -> list[Case]:  # type: ignore[type-arg]
    found = packages(document)
    fixes: dict[tuple[str, int, int | None], list[str]] = defaultdict(list)
    unfixed: set[tuple[str, int, int | None]] = set()
    for p in found:
        if p.status == "fixed":
            fixes[(p.name, p.major, p.minor)].append(p.version)
        elif p.status == "affected":
            unfixed.add((p.name, p.major, p.minor))
    streams = {(p.name, p.major): {q.minor for q in found if (q.name, q.major) == (p.name, p.major) and q.minor}
               for p in found}

    def says_affected(name: str, major: int, minor: int | None, version: str) -> bool | None:
        """The verdict of one stream (None: the document says nothing of it)."""
        if (name, major, minor) in fixes:
            return any(compare("rpm", version, fix) < 0 for fix in fixes[(name, major, minor)])
        if (name, major, minor) in unfixed:
            return True
        return None

    def truth(name: str, major: int, minor: int, version: str) -> bool:
        verdicts = [v for v in (says_affected(name, major, minor, version),
                                says_affected(name, major, None, version)) if v is not None]
        return bool(verdicts) and all(verdicts)

    out: list[Case] = []

    def add(p: Package, minor: int, version: str, why: str) -> None:
        host = f"{advisory}|{p.name}|{p.major}.{minor}|{version}|{why}"
        out.append(Case(host, advisory, p.major, minor, p.name, p.source, version,
                        truth(p.name, p.major, minor, version)))

    seen: set[tuple[str, int, int | None, str]] = set()
    for p in found:
        key = (p.name, p.major, p.minor, p.version)
        if key in seen:
            continue
        seen.add(key)
        other_minor = next(m for m in range(10, 40) if m not in streams[(p.name, p.major)])
        minor = p.minor if p.minor is not None else other_minor
        if p.status == "fixed":
            for why, version in (("below", _below(p.version)), ("at", p.version), ("above", _bump(p.version, 1))):
                add(p, minor, version, why)
            if p.minor is not None:  # a minor stream's fix on a host at another minor
                add(p, other_minor, _below(p.version), "other-minor")
            add(Package(p.name, p.version, p.source, p.major + 10, None, p.status), 0, _below(p.version),
                "other-major")
        else:
            version = p.version or f"0.1-1.el{p.major}"
            add(p, minor, version, p.status)
    return out


def load(shared: Path) -> tuple[list[Parsed], list[Case]]:
    """The documents parsed by the CSAF feed, and the cases read from them here."""
    every: list[Case] = []
    parsed = []
    for name in DOCUMENTS:
        path = shared / name
        (one,) = CsafFeed().parse(path)
        parsed.append(one)
        (advisory,) = one.advisories
        every.extend(cases(json.loads(path.read_text()), advisory.advisory_id))
    return parsed, every


def host_of(index: int) -> str:
    return f"host-{index:05d}"


def flagged(sessions: sessionmaker[Session], parsed: list[Parsed], every: list[Case]) -> set[tuple[str, str]]:
    """(host, advisory) pairs with an open finding after importing the
    documents and reporting one host per case."""
    with sessions.begin() as session:
        import_documents(session, parsed, NOW)
    for index, case in enumerate(every):
        report = wire.Report(
            host=wire.HostInfo(uuid=host_of(index), hostname=f"rhel-{index}"),
            os=wire.OsInfo(name="Red Hat Enterprise Linux", version=f"{case.major}.{case.minor}",
                           platform="rhel", major=case.major, minor=case.minor),
            collector=wire.CollectorInfo(version="0.1.0", source="osquery"),
            collected_at=NOW.isoformat(),
            software=[wire.Software(name=case.package, version=case.version, ecosystem="rpm",
                                    source_package=case.source, arch="x86_64")])
        with sessions.begin() as session:
            store_report(session, report, "RHEL", NOW)
    with sessions() as session:
        return set(session.execute(  # type: ignore[arg-type]
            select(Host.uuid, Advisory.advisory_id).join(Finding, Finding.host_id == Host.id)
            .join(Advisory, Advisory.id == Finding.advisory_pk).where(Finding.resolved_at.is_(None))))


def run(shared: Path) -> dict[str, int]:
    parsed, every = load(shared)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/accuracy.sqlite3")
        migrate.upgrade(engine)
        found_pairs = flagged(make_sessionmaker(engine), parsed, every)
        engine.dispose()
    counts = {"found": 0, "missed": 0, "false alarms": 0, "clean": 0}
    wrong: list[str] = []
    for index, case in enumerate(every):
        hit = (host_of(index), case.advisory) in found_pairs
        word = {(True, True): "found", (True, False): "missed", (False, True): "false alarms",
                (False, False): "clean"}[(case.affected, hit)]
        counts[word] += 1
        if word in ("missed", "false alarms"):
            wrong.append(f"  {word:12} {case.host}")
    found, missed, false = counts["found"], counts["missed"], counts["false alarms"]
    precision = found / (found + false) if found + false else 1.0
    recall = found / (found + missed) if found + missed else 1.0
    print(f"{len(every)} hosts: {found} found, {missed} missed, {false} false alarms, {counts['clean']} clean; "
          f"precision {precision:.3f}, recall {recall:.3f}")
    for line in sorted(wrong):
        print(line)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "testdata")
    run(parser.parse_args().shared)


if __name__ == "__main__":
    main()
