"""Reading software rows and affected items by identity, for the engine.

# NOTE: one ``ecosystem = ? AND match_name IN (...)`` query per ecosystem:
# SQLite plans a row-value ``(a, b) IN ((?, ?), ...)`` as a full table scan.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from server.db.models import Advisory, Affected, AdvisoryCve, Software
from server.distros import families_naming, is_minor_stream, stream_pair
from server.ecosystems import OS_BUILDS, affected_ecosystems_for
from server.matching.rpm_names import BINARY_KEY

CHUNK = 500
# No fixed_kbs: package decisions never read them (Windows builds: os_findings).
ITEM_COLUMNS = (Affected.id, Affected.ecosystem, Affected.match_name, Affected.product, Affected.distro,
                Affected.vers_range, Affected.fixed_version, Affected.needs_review, Affected.advisory_pk,
                Affected.purl)
SOFTWARE_COLUMNS = (Software.id, Software.ecosystem, Software.match_name, Software.version)
# Plus the binary name of rpm rows, which an entry may name them by (rpm_names).
SOFTWARE_BINARY_COLUMNS = (*SOFTWARE_COLUMNS, BINARY_KEY.label("binary"))


def by_identity(session: Session, model: Any, columns: Sequence[Any], identities: Iterable[tuple[str, str]],
                *where: Any) -> list[Any]:
    """Rows of ``model`` (Software or Affected) with these (ecosystem, match name) identities."""
    names: dict[str, set[str]] = defaultdict(set)
    for ecosystem, name in identities:
        names[ecosystem].add(name)
    rows: list[Any] = []
    for ecosystem in sorted(names):
        ordered = sorted(names[ecosystem])
        for start in range(0, len(ordered), CHUNK):
            part = ordered[start : start + CHUNK]
            rows.extend(session.execute(
                select(*columns).where(model.ecosystem == ecosystem, model.match_name.in_(part), *where)))
    return rows


def items_of(session: Session, identities: Iterable[tuple[str, str]], distros: Iterable[str]) -> list[Any]:
    """Items of these identities for any of these host distros (or none)."""
    wanted = {(eco, name) for identity_eco, name in identities for eco in affected_ecosystems_for(identity_eco)}
    releases = sorted({"", *distros, *(f for d in distros for f in families_naming(d))})
    rows = by_identity(session, Affected, ITEM_COLUMNS, wanted, Affected.distro.in_(releases))
    return [row for row in rows if row.ecosystem not in OS_BUILDS]


def stream_siblings(session: Session, row: Any) -> list[Affected]:
    """The other items of ``row``'s package in its advisory or in advisories of
    the same source sharing a CVE with it: Red Hat publishes a CVE's mainline
    and minor-release stream fixes in one VEX document or in one errata per
    stream (``decide.stream_verdict``). Another source (a warning letter)
    keeps its own say."""
    cves = select(AdvisoryCve.cve).where(AdvisoryCve.advisory_pk == row.advisory_pk)
    source = select(Advisory.source).where(Advisory.id == row.advisory_pk).scalar_subquery()
    sharing = (select(AdvisoryCve.advisory_pk).join(Advisory, Advisory.id == AdvisoryCve.advisory_pk)
               .where(AdvisoryCve.cve.in_(cves), Advisory.source == source))
    return list(session.scalars(select(Affected).where(
        Affected.ecosystem == row.ecosystem, Affected.match_name == row.match_name, Affected.id != row.id,
        or_(Affected.advisory_pk == row.advisory_pk, Affected.advisory_pk.in_(sharing))).order_by(Affected.id)))


def stream_sibling_ids(session: Session, affected_ids: Sequence[int]) -> set[int]:
    """Items outside ``affected_ids`` whose findings may change with them:
    the mainline items of the minor-release stream items among them, and the
    other way round (same package, same advisory or a shared CVE). A feed
    import refreshes these too: an EUS errata makes the mainline item stop
    speaking for hosts at that minor."""
    ids = sorted(set(affected_ids))
    columns = (Affected.id, Affected.advisory_pk, Affected.ecosystem, Affected.match_name, Affected.distro)
    touched = [row for start in range(0, len(ids), CHUNK) for row in session.execute(
        select(*columns).where(Affected.id.in_(ids[start : start + CHUNK]), Affected.ecosystem == "rpm",
                               Affected.distro.like("rhel:%")))]
    if not touched:
        return set()
    # (ecosystem, name, distro) -> items; a major's minor-release streams
    others: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    minors: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in by_identity(session, Affected, columns, {(r.ecosystem, r.match_name) for r in touched},
                           Affected.distro.like("rhel:%")):
        others[(row.ecosystem, row.match_name, row.distro)].append(row)
        if is_minor_stream(row.distro):
            minors[(row.ecosystem, row.match_name, row.distro.rsplit(".", 1)[0])].add(row.distro)
    wanted = set(ids)
    pairs = []
    for t in touched:
        related = ([t.distro.rsplit(".", 1)[0]] if is_minor_stream(t.distro)
                   else minors[(t.ecosystem, t.match_name, t.distro)])
        pairs.extend((t, o) for distro in related for o in others[(t.ecosystem, t.match_name, distro)]
                     if o.id not in wanted and stream_pair(t.distro, o.distro))
    advisories = sorted({r.advisory_pk for pair in pairs for r in pair})
    cves: dict[int, set[str]] = defaultdict(set)
    sources: dict[int, str] = {}
    for start in range(0, len(advisories), CHUNK):
        part = advisories[start : start + CHUNK]
        for pk, cve in session.execute(select(AdvisoryCve.advisory_pk, AdvisoryCve.cve).where(
                AdvisoryCve.advisory_pk.in_(part))):
            cves[pk].add(cve)
        sources.update(session.execute(select(Advisory.id, Advisory.source).where(Advisory.id.in_(part))).all())
    return {o.id for t, o in pairs if o.advisory_pk == t.advisory_pk or (
        sources[o.advisory_pk] == sources[t.advisory_pk] and cves[o.advisory_pk] & cves[t.advisory_pk])}
