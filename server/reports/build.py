"""Compute the weekly meeting report (``server.reports.model``) once; the
formats only render it."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.botnet.match import listed_hosts
from server.db.models import HostAddress, Warning
from server.reports import eol, gapfacts, period as periods, scope as scopes
from server.reports.gapfacts import AdvisoryFact, Pair
from server.reports.model import (ActionRow, ChangeRow, EolRow, GapRow, Period, SilentRow, Summary, TrendPoint,
                                  UnitRow, WarningSection, WarningUnitRow, WeeklyReport)
from server.reports.scope import Scope

TREND_WEEKS = 12
DUE_SOON = dt.timedelta(days=7)
RECENT_WARNINGS = dt.timedelta(days=90)  # shown even when nothing is affected
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
Pairs = dict[tuple[int, int], Pair]


def build(session: Session, period: Period, unit_names: list[str], stale_days: int = 7,
          now: dt.datetime | None = None, max_actions: int = 100, with_gaps: bool = False) -> WeeklyReport:
    """The report for ``period`` over ``unit_names`` (each with its subtree;
    none: all units). ``with_gaps`` adds every open host–advisory pair (the
    CSV export); ``max_actions`` bounds the "hosts needing action" list."""
    now = now or dt.datetime.now(dt.timezone.utc)
    scope = scopes.load_scope(session, unit_names, period)
    reporting = scopes.reporting(session, scope, period)
    pairs = gapfacts.open_pairs(session, scope, unit_names, period.end)
    before = periods.previous(period)
    pairs_before = gapfacts.open_pairs(session, scope, unit_names, before.end)
    facts = gapfacts.advisories(session, {a for _, a in pairs} | {a for _, a in pairs_before})
    listed = listed_hosts(session, scope.unit_ids if unit_names else None, period.end) & set(scope.hosts)
    return WeeklyReport(
        period=period, units=list(unit_names), generated_at=now, stale_days=stale_days,
        summary=_summary(session, scope, unit_names, period, reporting, pairs, facts, before, pairs_before, listed),
        warnings=_warnings(session, scope, period, reporting),
        per_unit=_per_unit(scope, period, reporting, pairs, facts, listed),
        actions=_actions(session, scope, period, pairs, facts, max_actions, listed),
        new=_changes(scope, pairs, pairs_before, facts, lambda p: p.first_detected),
        resolved=_resolved(session, scope, unit_names, period, pairs_before, pairs, facts),
        silent=_silent(session, scope, period, stale_days),
        end_of_life=_end_of_life(scope, period),
        trend=_trend(session, scope, unit_names, period),
        gaps=_gap_rows(session, scope, unit_names, period, pairs, facts) if with_gaps else [],
    )


def _counts(scope: Scope, hosts: set[int], reporting: set[int], pairs: Pairs, facts: dict[int, AdvisoryFact],
            at: dt.datetime) -> dict[str, float]:
    with_gaps = {h for h, _ in pairs if h in hosts}
    open_gaps = sum(p.findings for (h, _), p in pairs.items() if h in hosts)
    overdue = [(h, p.findings) for (h, a), p in pairs.items() if h in hosts and facts[a].overdue(at)]
    return {"hosts": len(hosts), "reporting": len(hosts & reporting), "with_gaps": len(with_gaps),
            "compliant_percent": _percent(len(hosts) - len(with_gaps), len(hosts)), "open_gaps": open_gaps,
            "overdue_gaps": sum(n for _, n in overdue), "overdue_hosts": len({h for h, _ in overdue})}


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def _summary(session: Session, scope: Scope, unit_names: list[str], period: Period, reporting: set[int],
             pairs: Pairs, facts: dict[int, AdvisoryFact], before: Period, pairs_before: Pairs,
             listed: set[int]) -> Summary:
    now = _counts(scope, set(scope.hosts), reporting, pairs, facts, period.end)
    earlier_hosts = {h.id for h in scope.hosts.values() if h.enrolled_at < before.end}
    then = _counts(scope, earlier_hosts, scopes.reporting(session, scope, before), pairs_before, facts, before.end)
    return Summary(hosts=int(now["hosts"]), reporting=int(now["reporting"]), with_gaps=int(now["with_gaps"]),
                   compliant_percent=now["compliant_percent"],
                   open_by_severity=gapfacts.severity_counts(session, scope, unit_names, period.end),
                   open_gaps=int(now["open_gaps"]), overdue_gaps=int(now["overdue_gaps"]),
                   overdue_hosts=int(now["overdue_hosts"]), previous=then, botnet_listed=len(listed),
                   botnet_handled=len(listed - {h for h, _ in pairs}))


def _tree_rows(scope: Scope):  # type: ignore[no-untyped-def]
    """(unit id, depth, has children, hosts of its subtree) in tree order,
    skipping units with no host anywhere under them."""
    for node, depth in scope.tree.walk(scope.tops):
        hosts = scope.host_units(node.id)
        if hosts:
            yield node.id, depth, bool(scope.tree.children.get(node.id)), hosts


def _warnings(session: Session, scope: Scope, period: Period, reporting: set[int]) -> list[WarningSection]:
    sections = []
    query = select(Warning).where(Warning.advisory_pk.is_not(None)).order_by(Warning.deadline, Warning.number)
    for warning in session.scalars(query):
        if warning.issued_on and warning.issued_on > period.last_day:
            continue
        since = dt.datetime.combine(warning.issued_on, dt.time(), dt.timezone.utc) if warning.issued_on else None
        status = {h: still for h, still in gapfacts.warning_hosts(session, warning.advisory_pk, since, period.end).items()
                  if h in scope.hosts}
        recent = warning.issued_on and period.end - since < RECENT_WARNINGS  # type: ignore[operator]
        if not status and not recent:
            continue
        overdue = bool(warning.deadline and warning.deadline < period.end.date())

        def row(unit: str, depth: int, subtotal: bool, hosts: set[int]) -> WarningUnitRow:
            affected = {h for h in status if h in hosts}
            unpatched = {h for h in affected if status[h]}
            return WarningUnitRow(unit, depth, subtotal, len(affected), len(affected - unpatched), len(unpatched),
                                  len(unpatched) if overdue else 0, len(unpatched - reporting))

        rows = [row(scope.unit_name(u), depth, sub, hosts) for u, depth, sub, hosts in _tree_rows(scope)]
        sections.append(WarningSection(
            number=warning.number, issued_on=warning.issued_on, issuing_body=warning.issuing_body,
            subject=warning.subject, deadline=warning.deadline, overdue=overdue,
            due_soon=bool(warning.deadline and not overdue and warning.deadline <= period.last_day + DUE_SOON),
            rows=[r for r in rows if r.affected], total=row("TOTAL", 0, True, set(scope.hosts))))
    return sections


def _per_unit(scope: Scope, period: Period, reporting: set[int], pairs: Pairs,
              facts: dict[int, AdvisoryFact], listed: set[int]) -> list[UnitRow]:
    per_host: dict[int, list[tuple[Pair, bool]]] = defaultdict(list)
    for (h, a), p in pairs.items():
        per_host[h].append((p, facts[a].overdue(period.end)))
    rows = []
    for unit_id, depth, subtotal, hosts in _tree_rows(scope):
        mine = [item for h in hosts for item in per_host.get(h, [])]
        oldest = min((p.first_detected for p, _ in mine), default=None)
        rows.append(UnitRow(
            unit=scope.unit_name(unit_id), code=scope.tree.nodes[unit_id].code, depth=depth, subtotal=subtotal,
            hosts=len(hosts), reporting=len(hosts & reporting),
            compliant_percent=_percent(sum(1 for h in hosts if h not in per_host), len(hosts)),
            open_gaps=sum(p.findings for p, _ in mine), overdue_gaps=sum(p.findings for p, late in mine if late),
            oldest_gap_days=(period.end - oldest).days if oldest else None,
            botnet_listed=len(hosts & listed), botnet_handled=len({h for h in hosts & listed if h not in per_host})))
    return rows


def _priority(fact: AdvisoryFact, pair: Pair, at: dt.datetime) -> tuple[int, int, int, int, float]:
    """Sort key: known-exploited and overdue first, then exploited, overdue,
    severity, age (oldest first)."""
    late = fact.overdue(at)
    return (0 if fact.exploited and late else 1, 0 if fact.exploited else 1, 0 if late else 1,
            SEVERITY_RANK.get(fact.severity, 4), pair.first_detected.timestamp())


def _actions(session: Session, scope: Scope, period: Period, pairs: Pairs, facts: dict[int, AdvisoryFact],
             limit: int, listed: set[int]) -> list[ActionRow]:
    worst: dict[int, tuple[tuple[int, int, int, int, float], int, Pair]] = {}
    gaps: dict[int, int] = defaultdict(int)
    for (h, a), p in pairs.items():
        gaps[h] += p.findings
        key = _priority(facts[a], p, period.end)
        if h not in worst or key < worst[h][0]:
            worst[h] = (key, a, p)
    # Botnet-listed hosts first (the directive: fix those machines first), then by their worst gap.
    ranked = sorted(worst.items(), key=lambda item: (item[0] not in listed, item[1][0], -gaps[item[0]],
                                                     scope.hosts[item[0]].hostname))
    addresses = _last_addresses(session, [h for h, _ in ranked[:limit]])
    builds = gapfacts.os_builds(session, [h for h, _ in ranked[:limit]], period.end)
    rows = []
    for rank, (h, (_, a, p)) in enumerate(ranked[:limit], start=1):
        host, fact = scope.hosts[h], facts[a]
        items, _installed, install = gapfacts.fixes(session, h, a, period.end)
        oldest = min(q.first_detected for (hh, _), q in pairs.items() if hh == h)
        rows.append(ActionRow(
            priority=rank, host=host.hostname, unit=scope.unit_name(host.unit_id), address=addresses.get(h, ""),
            os=host.os, build=builds.get(h, host.build), gaps=gaps[h], exploited=fact.exploited, overdue=fact.overdue(period.end),
            worst_advisory=fact.name, worst_severity=fact.severity, worst_item=items, install=install,
            oldest_days=(period.end - oldest).days, botnet_listed=h in listed))
    return rows


def _last_addresses(session: Session, host_ids: list[int]) -> dict[int, str]:
    found: dict[int, tuple[dt.datetime, str]] = {}
    for start in range(0, len(host_ids), 500):
        part = host_ids[start:start + 500]
        for row in session.scalars(select(HostAddress).where(HostAddress.host_id.in_(part))):
            if row.address.startswith(("127.", "::1", "fe80")):
                continue  # loopback and link-local name no machine to anyone else
            if row.host_id not in found or row.last_seen > found[row.host_id][0]:
                found[row.host_id] = (row.last_seen, row.address)
    return {h: address for h, (_, address) in found.items()}


def _changes(scope: Scope, now: Pairs, then: Pairs, facts: dict[int, AdvisoryFact], when,  # type: ignore[no-untyped-def]
             at: dict[tuple[int, int], dt.datetime] | None = None) -> list[ChangeRow]:
    """Pairs in ``now`` that are not in ``then``, dated by ``at`` or ``when``."""
    rows = [ChangeRow(scope.hosts[h].hostname, scope.unit_name(scope.hosts[h].unit_id), facts[a].name,
                      facts[a].severity, ", ".join(facts[a].cves[:3]), (at or {}).get((h, a)) or when(p))
            for (h, a), p in now.items() if (h, a) not in then]
    return sorted(rows, key=lambda r: (SEVERITY_RANK.get(r.severity, 4), r.unit, r.host, r.advisory))


def _resolved(session: Session, scope: Scope, unit_names: list[str], period: Period, before: Pairs, now: Pairs,
              facts: dict[int, AdvisoryFact]) -> list[ChangeRow]:
    """Pairs open when the week began and closed when it ended, with the time
    their last finding resolved."""
    when = gapfacts.resolved_between(session, scope, unit_names, period.start, period.end)
    return _changes(scope, before, now, facts, lambda _p: period.end, when)


def _silent(session: Session, scope: Scope, period: Period, stale_days: int) -> list[SilentRow]:
    last = scopes.last_report_days(session, scope, period.end)
    rows = []
    for host in scope.hosts.values():
        day = last.get(host.id)
        days = (period.last_day - day).days if day else None
        if day is None or days >= stale_days:  # type: ignore[operator]
            at = dt.datetime.combine(day, dt.time(), dt.timezone.utc) if day else None
            rows.append(SilentRow(host.hostname, scope.unit_name(host.unit_id), at, days))
    return sorted(rows, key=lambda r: (r.days_silent is not None, -(r.days_silent or 0), r.unit, r.host))


def _end_of_life(scope: Scope, period: Period) -> list[EolRow]:
    rows = []
    for host in scope.hosts.values():
        release = eol.release_of(host.platform, host.build, host.version, host.distro)
        if release and release.end_of_support <= period.last_day:
            rows.append(EolRow(host.hostname, scope.unit_name(host.unit_id), host.os, release.release,
                               release.end_of_support))
    return sorted(rows, key=lambda r: (r.end_of_support, r.unit, r.host))


def _trend(session: Session, scope: Scope, unit_names: list[str], period: Period) -> list[TrendPoint]:
    weeks = [periods.previous(period, n) for n in range(TREND_WEEKS - 1, -1, -1)]
    counts = gapfacts.trend(session, scope, unit_names, [w.end for w in weeks])
    return [TrendPoint(w.iso_week, w.last_day, opened, late, len(scopes.reporting(session, scope, w)))
            for w, (opened, late) in zip(weeks, counts)]


def _gap_rows(session: Session, scope: Scope, unit_names: list[str], period: Period, pairs: Pairs,
              facts: dict[int, AdvisoryFact]) -> list[GapRow]:
    """One row per open host–advisory pair at the end of the week."""
    at = period.end
    detail = gapfacts.all_fixes(session, scope, unit_names, at)
    rows = []
    for (h, a), p in pairs.items():
        host, fact = scope.hosts[h], facts[a]
        items, installed, install = detail.get((h, a), ("", "", ""))
        rows.append(GapRow(host.hostname, scope.unit_name(host.unit_id), fact.name, fact.warning, fact.severity,
                           ", ".join(fact.cves), items, installed, install, fact.deadline, fact.overdue(at),
                           fact.exploited, p.first_detected))
    return sorted(rows, key=lambda r: (r.unit, r.host, SEVERITY_RANK.get(r.severity, 4), r.advisory))
