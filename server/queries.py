"""The read side: what the CLI and reports list. Plain dict rows, keyed by
column names the renderers translate. Every "open" question is asked at a
moment (``as_of``), so past weeks read exactly as they stood."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from server.db.models import (
    Advisory,
    Affected,
    Finding,
    Host,
    HostAddress,
    HostPatch,
    HostSoftware,
    Software,
    Unit,
    Warning,
)
from server.errors import NotFound

Row = dict[str, Any]


def open_at(as_of: dt.datetime, finding: Any = Finding):  # type: ignore[no-untyped-def]
    """Findings (or an alias of them) that were open at ``as_of``."""
    return and_(
        finding.first_detected <= as_of,
        or_(finding.resolved_at.is_(None), finding.resolved_at > as_of),
    )


def hosts(session: Session, units: set[int] | None = None,
          listed: set[int] | frozenset[int] = frozenset()) -> list[Row]:
    """Hosts of ``units`` (ids, None: all) with OS, software count and open
    gaps; hosts on a botnet list (``listed``) first."""
    now = dt.datetime.now(dt.timezone.utc)
    open_count = (
        select(Finding.host_id, func.count().label("n"))
        .where(open_at(now))
        .group_by(Finding.host_id)
        .subquery()
    )
    software_count = (
        select(HostSoftware.host_id, func.count().label("n")).group_by(HostSoftware.host_id).subquery()
    )
    query = (
        select(Host, Unit.name, func.coalesce(software_count.c.n, 0), func.coalesce(open_count.c.n, 0))
        .join(Unit, Unit.id == Host.unit_id)
        .outerjoin(software_count, software_count.c.host_id == Host.id)
        .outerjoin(open_count, open_count.c.host_id == Host.id)
        .order_by(Unit.name, Host.hostname)
    )
    if units is not None:
        query = query.where(Host.unit_id.in_(sorted(units)))
    rows = [
        {
            "host": host.hostname,
            "unit": unit_name,
            "os": host.os_name + (f" {host.os_version}" if host.os_version else ""),
            "build": host.os_build,
            "software": software,
            "open_gaps": gaps,
            "last_report": host.last_report_at,
            "botnet_listed": host.id in listed,
        }
        for host, unit_name, software, gaps in session.execute(query)
    ]
    rows.sort(key=lambda row: not row["botnet_listed"])
    return rows


def open_gap_count(session: Session, host_id: int, as_of: dt.datetime) -> int:
    return session.scalar(select(func.count()).select_from(Finding).where(Finding.host_id == host_id,
                                                                          open_at(as_of))) or 0


def find_host(session: Session, name: str) -> Host:
    """By hostname (case-insensitive) or uuid."""
    found = session.scalars(
        select(Host).where(or_(func.lower(Host.hostname) == name.lower(), Host.uuid == name))
    ).all()
    if not found:
        raise NotFound.of("no_host", name=name)
    if len(found) > 1:
        raise NotFound.of("hosts_same_name", count=len(found), name=name, uuids=", ".join(h.uuid for h in found))
    return found[0]


def host_detail(session: Session, name: str) -> tuple[Row, list[Row], list[Row]]:
    """(facts, addresses, patches) of one host."""
    host = find_host(session, name)
    facts = {
        "host": host.hostname,
        "uuid": host.uuid,
        "unit": host.unit.name,
        "os": f"{host.os_name} {host.os_version}".strip(),
        "build": host.os_build,
        "distro": host.distro,
        "arch": host.os_arch,
        "hardware": host.hardware,
        "collector": f"{host.collector_version} ({host.collector_source})" if host.collector_version else "",
        "enrolled": host.enrolled_at,
        "last_report": host.last_report_at,
    }
    if host.revoked_at is not None:
        facts["revoked"] = host.revoked_at
    addresses = [
        {"address": a.address, "address_kind": a.kind, "interface": a.interface, "mac": a.mac,
         "first_seen": a.first_seen, "last_seen": a.last_seen}
        for a in session.scalars(
            select(HostAddress).where(HostAddress.host_id == host.id).order_by(HostAddress.kind, HostAddress.address)
        )
    ]
    patches = [
        {"kb": p.hotfix_id, "installed_on": p.installed_on, "description": p.description}
        for p in session.scalars(select(HostPatch).where(HostPatch.host_id == host.id).order_by(HostPatch.hotfix_id))
    ]
    return facts, addresses, patches


def software(session: Session, host: str | None = None, name: str | None = None) -> list[Row]:
    hosts_with = func.count(HostSoftware.host_id)
    query = (
        select(Software.name, Software.version, Software.ecosystem, Software.arch, Software.source_package, hosts_with)
        .join(HostSoftware, HostSoftware.software_id == Software.id)
        .group_by(Software.id)
        .order_by(Software.name, Software.version)
    )
    if host:
        query = query.where(HostSoftware.host_id == find_host(session, host).id)
    if name:
        query = query.where(func.lower(Software.name).contains(name.lower()))
    return [
        {"name": n, "version": v, "ecosystem": e, "arch": a, "source_package": s, "hosts": c}
        for n, v, e, a, s, c in session.execute(query)
    ]


def _upgrade_to(open_now: bool, fixed_version: str, current_version: str | None, current_kbs: list[str] | None) -> str:
    """What to upgrade to: for a gap still open, the advisory's current fix (a
    later revision may name a newer one); for a closed one, as it stood."""
    if open_now and (current_version or current_kbs):
        return current_version or ", ".join(current_kbs or ())
    return fixed_version


def json_list(cache: dict[str, Any], raw: str | list[str] | None) -> Any:
    """A JSON list column read as text, decoded once per distinct value (kept
    in ``cache``): two million gaps share a few thousand CVE and KB lists.
    PostgreSQL's driver hands over the list already decoded."""
    if raw is None or isinstance(raw, list):
        return raw or []
    found = cache.get(raw)
    if found is None:
        found = cache[raw] = json.loads(raw)
    return found


def gaps(
    session: Session,
    as_of: dt.datetime,
    host: str | None = None,
    units: set[int] | None = None,
    warning: str | None = None,
    overdue: bool = False,
    listed: set[int] | frozenset[int] = frozenset(),
) -> Iterator[Row]:
    """Open findings at ``as_of``: which host misses which fix; hosts on a
    botnet list (``listed``) first. Columns, not entities: a province lists
    two million, so they are read as they are consumed, in batches (a
    server-side cursor on PostgreSQL); ``list()`` them to keep them."""
    query = (
        select(Finding.host_id, Host.hostname, Unit.name, Advisory.advisory_id, Advisory.severity,
               type_coerce(Advisory.cves, String), Software.name, Affected.product, Finding.installed_version,
               Finding.fixed_version, Finding.resolved_at.is_(None), Affected.fixed_version,
               type_coerce(Affected.fixed_kbs, String), Advisory.deadline, Finding.first_detected)
        .join(Host, Host.id == Finding.host_id)
        .join(Unit, Unit.id == Host.unit_id)
        .join(Advisory, Advisory.id == Finding.advisory_pk)
        .outerjoin(Software, Software.id == Finding.software_id)
        .outerjoin(Affected, Affected.id == Finding.affected_id)
        .where(open_at(as_of))
    )
    order = [Advisory.deadline.is_(None), Advisory.deadline, Unit.name, Host.hostname, Advisory.advisory_id,
             Software.name, Finding.id]
    # Hosts on a botnet list first, each part in the order above.
    query = query.order_by(*([case((Finding.host_id.in_(sorted(listed)), 0), else_=1)] if listed else []), *order)
    if host:
        query = query.where(Finding.host_id == find_host(session, host).id)
    if units is not None:
        query = query.where(Host.unit_id.in_(sorted(units)))
    if warning:
        if session.scalar(select(Warning.id).where(Warning.number == warning)) is None and not session.scalar(
            select(Advisory.id).where(Advisory.advisory_id == warning)
        ):
            raise NotFound.of("no_advisory", name=warning)
        query = query.where(Advisory.advisory_id == warning)
    if overdue:
        query = query.where(Advisory.deadline.is_not(None), Advisory.deadline < as_of.date())
    # Asked for what does not exist, the caller hears it before a row is written.
    return _gap_rows(session, query, as_of.date(), listed)


def _gap_rows(session: Session, query: Any, day: dt.date, listed: set[int] | frozenset[int]) -> Iterator[Row]:
    lists: dict[str, Any] = {}
    cve_texts: dict[Any, str] = {}
    for (host_id, hostname, unit_name, advisory_id, severity, cves, software_name, product, installed, fixed,
         open_now, current_version, current_kbs, deadline, first_detected) in session.execute(
            query, execution_options={"yield_per": 2_000}):
        key = cves if isinstance(cves, str) or cves is None else tuple(cves)  # PostgreSQL's driver decodes JSON
        cve_text = cve_texts.get(key)
        if cve_text is None:
            found = json_list(lists, cves)
            cve_text = cve_texts[key] = ", ".join(found[:3]) + (" …" if len(found) > 3 else "")
        yield (
            {
                "host": hostname,
                "unit": unit_name,
                "advisory": advisory_id,
                "severity": severity,
                "cves": cve_text,
                "item": software_name or f"Windows {product or '?'}",
                "installed": installed,
                "fixed": _upgrade_to(open_now, fixed, current_version, json_list(lists, current_kbs)),
                "deadline": deadline,
                "overdue": bool(deadline and deadline < day),
                "botnet_listed": host_id in listed,
                "first_detected": first_detected,
            }
        )
