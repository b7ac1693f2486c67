"""Compute the weekly meeting report (``server.reports.model``) once; the
formats only render it. Per-host figures come from ``server.reports.weeks``
(kept for ended weeks); only the lists that name single pairs (new,
resolved, what to install, the CSV's gap list) read findings themselves."""
from __future__ import annotations

import datetime as dt
import gc
import heapq
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.botnet.match import listed_hosts
from server.db.batches import chunks
from server.db.models import HostAddress, Warning
from server.reports import eol, gapfacts, period as periods, scope as scopes, weeks
from server.reports.gapfacts import AdvisoryFact
from server.reports.model import (ActionRow, ChangeRow, EolRow, GapRow, Period, SilentRow, Summary, TrendPoint,
                                  UnitRow, WarningSection, WarningUnitRow, WeeklyReport)
from server.reports.scope import Scope
from server.reports.weeks import HostWeek

TREND_WEEKS = 12
DUE_SOON = dt.timedelta(days=7)
RECENT_WARNINGS = dt.timedelta(days=90)  # shown even when nothing is affected
Figures = dict[int, HostWeek]


def build(session: Session, period: Period, unit_names: list[str], stale_days: int = 7,
          now: dt.datetime | None = None, max_actions: int = 100, with_gaps: bool = False,
          max_rows: int | None = 500, max_gaps: int | None = None) -> WeeklyReport:
    """The report for ``period`` over ``unit_names`` (each with its subtree;
    none: all units). ``with_gaps`` adds every open host–advisory pair (the
    CSV export); ``max_actions`` bounds the "hosts needing action" list and
    ``max_rows`` each of the lists of new, resolved, silent and end-of-life
    (None: all; their totals are always given: a province has thousands).
    With more open findings than ``max_gaps`` the gap list is left out and
    ``gaps_left_out`` says how many there are (a spreadsheet cannot hold a
    province's two million)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    scope = scopes.load_scope(session, unit_names, period)
    before = periods.previous(period)
    week = _scoped(weeks.figures(session, period), scope)
    week_before = _scoped(weeks.figures(session, before), scope)
    reporting = {h for h, w in week.items() if w.reported}
    listed = listed_hosts(session, scope.unit_ids if unit_names else None, period.end) & set(scope.hosts)
    opened = gapfacts.opened_between(session, scope, unit_names, period.start, period.end)
    closed = gapfacts.closed_between(session, scope, unit_names, period.start, period.end)
    facts = gapfacts.advisories(session, {w.worst_advisory_pk for w in week.values() if w.worst_advisory_pk}
                                | {a for _, a in opened} | {a for _, a in closed})
    new, resolved = _changes(scope, opened, facts, max_rows), _changes(scope, closed, facts, max_rows)
    silent, end_of_life = _silent(session, scope, period, stale_days), _end_of_life(scope, period)
    open_findings = sum(w.open_gaps for w in week.values())
    too_many = max_gaps is not None and open_findings > max_gaps
    return WeeklyReport(
        period=period, units=list(unit_names), generated_at=now, stale_days=stale_days,
        summary=_summary(session, scope, period, reporting, week, before, week_before, listed),
        warnings=_warnings(session, scope, period, reporting),
        per_unit=_per_unit(scope, period, reporting, week, listed),
        actions=_actions(session, scope, period, week, facts, max_actions, listed),
        new=new, resolved=resolved, silent=silent[:max_rows],
        end_of_life=end_of_life[:max_rows],
        trend=_trend(session, scope, unit_names, period, week),
        gaps=list(_gap_rows(session, scope, period)) if with_gaps and not too_many else [],
        gaps_left_out=open_findings if with_gaps and too_many else 0,
        new_total=len(opened), resolved_total=len(closed), silent_total=len(silent),
        end_of_life_total=len(end_of_life),
    )


def _scoped(figures: Figures, scope: Scope) -> Figures:
    return {h: w for h, w in figures.items() if h in scope.hosts}


def _with_gaps(week: Figures) -> set[int]:
    return {h for h, w in week.items() if w.open_gaps}


def _counts(hosts: set[int], week: Figures) -> dict[str, float]:
    mine = [w for h, w in week.items() if h in hosts and w.open_gaps]
    return {"hosts": len(hosts), "reporting": sum(1 for h, w in week.items() if h in hosts and w.reported),
            "with_gaps": len(mine),
            "compliant_percent": _percent(len(hosts) - len(mine), len(hosts)),
            "open_gaps": sum(w.open_gaps for w in mine), "overdue_gaps": sum(w.overdue_gaps for w in mine),
            "overdue_hosts": sum(1 for w in mine if w.overdue_gaps)}


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def _summary(session: Session, scope: Scope, period: Period, reporting: set[int], week: Figures,
             before: Period, week_before: Figures, listed: set[int]) -> Summary:
    now = _counts(set(scope.hosts), week)
    then = _counts({h.id for h in scope.hosts.values() if h.enrolled_at < before.end}, week_before)
    by_severity = [sum(column) for column in zip(*(w.by_severity for w in week.values()))] or [0] * 5
    return Summary(hosts=int(now["hosts"]), reporting=int(now["reporting"]), with_gaps=int(now["with_gaps"]),
                   compliant_percent=now["compliant_percent"],
                   open_by_severity=dict(zip(weeks.SEVERITIES, by_severity)),
                   open_gaps=int(now["open_gaps"]), overdue_gaps=int(now["overdue_gaps"]),
                   overdue_hosts=int(now["overdue_hosts"]), previous=then, botnet_listed=len(listed),
                   botnet_handled=len(listed - _with_gaps(week)))


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

        affected_all = frozenset(status)
        unpatched_all = frozenset(h for h, still in status.items() if still)

        def row(unit: str, depth: int, subtotal: bool, hosts: frozenset[int]) -> WarningUnitRow:
            # Set operations: a province has a hundred units and thousands of affected hosts.
            affected, unpatched = affected_all & hosts, unpatched_all & hosts
            return WarningUnitRow(unit, depth, subtotal, len(affected), len(affected) - len(unpatched),
                                  len(unpatched), len(unpatched) if overdue else 0, len(unpatched - reporting))

        rows = [row(scope.unit_name(u), depth, sub, hosts) for u, depth, sub, hosts in _tree_rows(scope)]
        sections.append(WarningSection(
            number=warning.number, issued_on=warning.issued_on, issuing_body=warning.issuing_body,
            subject=warning.subject, deadline=warning.deadline, overdue=overdue,
            due_soon=bool(warning.deadline and not overdue and warning.deadline <= period.last_day + DUE_SOON),
            rows=[r for r in rows if r.affected], total=row("TOTAL", 0, True, frozenset(scope.hosts))))
    return sections


def _per_unit(scope: Scope, period: Period, reporting: set[int], week: Figures, listed: set[int]) -> list[UnitRow]:
    gaps = _with_gaps(week)
    rows = []
    for unit_id, depth, subtotal, hosts in _tree_rows(scope):
        mine = [week[h] for h in hosts if h in week and week[h].open_gaps]
        oldest = min((w.oldest_open for w in mine if w.oldest_open), default=None)
        rows.append(UnitRow(
            unit=scope.unit_name(unit_id), code=scope.tree.nodes[unit_id].code, depth=depth, subtotal=subtotal,
            hosts=len(hosts), reporting=len(hosts & reporting),
            compliant_percent=_percent(len(hosts) - len(mine), len(hosts)),
            open_gaps=sum(w.open_gaps for w in mine), overdue_gaps=sum(w.overdue_gaps for w in mine),
            oldest_gap_days=(period.end - oldest).days if oldest else None,
            botnet_listed=len(hosts & listed), botnet_handled=len(hosts & listed - gaps)))
    return rows


def _actions(session: Session, scope: Scope, period: Period, week: Figures, facts: dict[int, AdvisoryFact],
             limit: int, listed: set[int]) -> list[ActionRow]:
    """Hosts with open gaps by their worst pair (``weeks.rank``: known
    exploited and overdue first, then exploited, overdue, severity; then the
    oldest, then the most gaps), botnet-listed hosts first (the directive:
    fix those machines first)."""
    ranked = sorted(((h, w) for h, w in week.items() if w.open_gaps), key=lambda item: (item[0] not in listed, item[1].worst_rank,
                                                    item[1].worst_first_detected, -item[1].open_gaps,
                                                    scope.hosts[item[0]].hostname))[:limit]
    addresses = _last_addresses(session, [h for h, _ in ranked])
    builds = gapfacts.os_builds(session, [h for h, _ in ranked], period.end)
    rows = []
    for position, (h, w) in enumerate(ranked, start=1):
        host, fact = scope.hosts[h], facts.get(w.worst_advisory_pk or 0)
        items, _installed, install = gapfacts.fixes(session, h, fact.id, period.end) if fact else ("", "", "")
        rows.append(ActionRow(
            priority=position, host=host.hostname, unit=scope.unit_name(host.unit_id), address=addresses.get(h, ""),
            os=host.os, build=builds.get(h, host.build), gaps=w.open_gaps, exploited=weeks.exploited(w.worst_rank),
            overdue=weeks.late(w.worst_rank), worst_advisory=fact.name if fact else "",
            worst_severity=fact.severity if fact else weeks.severity(w.worst_rank), worst_item=items, install=install,
            oldest_days=(period.end - w.oldest_open).days if w.oldest_open else 0, botnet_listed=h in listed))
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


def _changes(scope: Scope, pairs: dict[tuple[int, int], gapfacts.Stamp], facts: dict[int, AdvisoryFact],
             limit: int | None) -> list[ChangeRow]:
    """The first ``limit`` (None: all) host–advisory pairs that opened or
    closed within the week, most severe first, with when."""
    def key(pair: tuple[int, int]) -> tuple[int, str, str, str]:
        host, fact = scope.hosts[pair[0]], facts[pair[1]]
        return weeks.severity_index(fact.severity), scope.unit_name(host.unit_id), host.hostname, fact.name

    mine = [pair for pair in pairs if pair[0] in scope.hosts]
    chosen = sorted(mine, key=key) if limit is None else heapq.nsmallest(limit, mine, key=key)
    return [ChangeRow(scope.hosts[h].hostname, scope.unit_name(scope.hosts[h].unit_id), facts[a].name,
                      facts[a].severity, ", ".join(facts[a].cves[:3]), weeks.as_utc(pairs[(h, a)]))
            for h, a in chosen]


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


def _trend(session: Session, scope: Scope, unit_names: list[str], period: Period, week: Figures
           ) -> list[TrendPoint]:
    """Open and overdue gaps and hosts reporting over the last weeks: kept
    weeks added up by the database, the others counted."""
    wanted = [periods.previous(period, n) for n in range(TREND_WEEKS - 1, -1, -1)]
    totals = weeks.kept_totals(session, wanted, scopes.host_filter(scope, unit_names))
    points = []
    for then in wanted:
        figures = week if then == period else None
        if figures is None and then.last_day not in totals:
            figures = _scoped(weeks.count(session, then), scope)
        found = totals[then.last_day] if figures is None else (
            sum(w.open_gaps for w in figures.values()), sum(w.overdue_gaps for w in figures.values()),
            sum(1 for w in figures.values() if w.reported))
        points.append(TrendPoint(then.iso_week, then.last_day, *found))
    return points


# Hosts whose open pairs are read and ordered at a time: the gap list's
# memory is one batch's pairs, whatever the size of the fleet.
GAP_HOSTS_PER_QUERY = 1_000


def gap_list(session: Session, period: Period, unit_names: list[str]) -> Iterator[GapRow]:
    """The gap list of ``build(with_gaps=True)``, read as it is consumed: for
    writing a province's two million rows straight to their file."""
    return _gap_rows(session, scopes.load_scope(session, unit_names, period), period)


def _gap_rows(session: Session, scope: Scope, period: Period) -> Iterator[GapRow]:
    """One row per open host–advisory pair at the end of the week, by unit,
    host, severity and advisory, a batch of hosts at a time. What an
    advisory or a host puts in a row is worked out once, not per row."""
    at = period.end
    facts = gapfacts.advisories(session, None)
    # Each advisory's place in a host's rows (severity, then name) and its columns.
    place = {a: n for n, a in enumerate(sorted(facts, key=lambda a: (weeks.severity_index(facts[a].severity),
                                                                       facts[a].name, a)))}
    columns = {a: ((f.name, f.warning, f.severity, ", ".join(f.cves)), (f.deadline, f.overdue(at), f.exploited))
               for a, f in facts.items()}
    ordered = sorted(scope.hosts, key=lambda h: (scope.unit_name(scope.hosts[h].unit_id), scope.hosts[h].hostname))
    for batch in chunks(ordered, GAP_HOSTS_PER_QUERY):
        per_host: dict[int, list[tuple[int, int, gapfacts.Stamp, gapfacts.Fix]]] = {}
        # Many new rows and no reference cycles among them: the cyclic
        # collector would rescan them all again and again as they pile up.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for h, a, first, fix in gapfacts.open_details(session, batch, at):
                found = per_host.get(h)
                if found is None:
                    found = per_host[h] = []
                found.append((place[a], a, first, fix))
        finally:
            if collecting:
                gc.enable()
        for h in batch:
            pairs = per_host.pop(h, None)
            if not pairs:
                continue
            hostname, unit = scope.hosts[h].hostname, scope.unit_name(scope.hosts[h].unit_id)
            pairs.sort()  # by place: each advisory has its own
            for _, a, first, (items, installed, install) in pairs:
                (name, warning, severity, cves), (deadline, overdue, exploited) = columns[a]
                yield GapRow(hostname, unit, name, warning, severity, cves, items, installed, install, deadline,
                             overdue, exploited, weeks.as_utc(first))  # type: ignore[arg-type]
