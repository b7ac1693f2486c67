"""A small province, three weeks of it, built through the real services.

Units come from :func:`server.inventory.units.add_unit`, hosts enroll with
their unit's secret (:func:`server.inventory.enroll.enroll`), report through
:func:`server.inventory.service.apply_report` and warnings are imported with
:func:`server.advisories.letters.import_letters` — each at a simulated moment
of the three weeks ending ``today``, in time order. So the findings history
(opened when a letter names a host's version, resolved when the host's next
report shows the fix) is the history a real province would have.

Everything follows from ``(today, seed)``: the seed picks the minute of each
report, which PCs skip a day, and the day each patching host patches.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector import wire
from server.advisories.letters import import_letters
from server.db.models import Host
from server.demo import hosts as demo_hosts
from server.demo import letters as demo_letters
from server.demo.hosts import ALREADY, DURING, Catalogue, Profile
from server.errors import PatchgapError
from server.feeds.warnings import TemplateResult
from server.inventory import enroll
from server.inventory.service import apply_report
from server.inventory.units import add_unit
from server.reports import eol

DAYS = 21  # the three weeks ending today
LETTER_TIME = dt.time(2, 0)  # 09:00 in Vietnam (UTC+7)
PC_MINUTES = (30, 570)  # 07:30-16:30 in Vietnam, minutes after 00:00 UTC
SERVER_MINUTES = (5, 25)  # a morning cron job
SUNDAY = 6


@dataclass(frozen=True)
class Province:
    """What was built: names to look for in the reports."""

    today: dt.date
    first_day: dt.date
    root: str
    units: list[str]
    hosts: list[str]
    warnings: list[str]  # letter numbers, in issue order
    silent: list[str]  # hosts that stopped reporting
    end_of_support: list[str]  # hosts whose OS release is past its end of support today
    reports: int
    fixes: dict[str, dict[str, dt.date]] = field(default_factory=dict)  # host -> track -> day fixed


@dataclass(frozen=True)
class _Event:
    at: dt.datetime
    order: int  # letters before reports at the same moment
    name: str
    apply: TemplateResult | Profile  # a letter to import, or the host that reports


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc) + dt.timedelta(minutes=minutes)


def _report_days(profile: Profile, today: dt.date, rng: random.Random) -> list[dt.date]:
    """Servers report every day; PCs every one or two days, never on Sunday."""
    first = today - dt.timedelta(days=DAYS - 1)
    last = today + dt.timedelta(days=profile.silent_after or 0)
    if profile.server:
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    days, day = [], first + dt.timedelta(days=rng.randint(0, 1))
    while day <= last:
        if day.weekday() == SUNDAY:
            day += dt.timedelta(days=1)
            continue
        days.append(day)
        day += dt.timedelta(days=rng.randint(1, 2))
    return days


def _fixes(catalogue: Catalogue, profile: Profile, today: dt.date, rng: random.Random) -> dict[str, dt.date]:
    """The day each track's fix goes in on this host (none: never)."""
    fixes = {}
    for track, when in catalogue.tracks_of(profile).items():
        if when == ALREADY:
            fixes[track] = today - dt.timedelta(days=DAYS + rng.randint(3, 10))
        elif when == DURING:
            low, high = catalogue.patch_days(track)
            fixes[track] = today + dt.timedelta(days=rng.randint(low, high))
    return fixes


def build_province(session: Session, today: dt.date, seed: int = 7, until: dt.datetime | None = None) -> Province:
    """Build the demo province into ``session`` (the caller commits). With
    ``until``, simulated moments after it (later today) are left out."""
    catalogue = demo_hosts.load()
    rng = random.Random(seed)
    first_day = today - dt.timedelta(days=DAYS - 1)
    for name, code, parent in catalogue.units:
        add_unit(session, name, parent, code)
    secrets = {unit: enroll.create_secret(session, unit).secret
               for unit in dict.fromkeys(p.unit for p in catalogue.profiles)}

    events = [_Event(dt.datetime.combine(r.letters[0].issued_on or today, LETTER_TIME, dt.timezone.utc), 0,
                     r.letters[0].number, r) for r in demo_letters.letters(today)]
    fixes: dict[str, dict[str, dt.date]] = {}
    for profile in catalogue.profiles:
        fixes[profile.hostname] = _fixes(catalogue, profile, today, rng)
        low, high = SERVER_MINUTES if profile.server else PC_MINUTES
        events.extend(_Event(_at(day, rng.randint(low, high)), 1, profile.hostname, profile)
                      for day in _report_days(profile, today, rng))
    events.sort(key=lambda e: (e.at, e.order, e.name))

    reports = 0
    for event in events:
        if until is not None and event.at > until:
            continue
        if isinstance(event.apply, Profile):
            host = _host(session, event.apply, secrets[event.apply.unit], event.at)
            done = {t: d for t, d in fixes[event.name].items() if d <= event.at.date()}
            apply_report(session, host, demo_hosts.report(catalogue, event.apply, done, first_day, event.at),
                         event.at)
            reports += 1
        else:
            import_letters(session, demo_letters.SOURCE, event.apply, event.at)

    return Province(
        today=today, first_day=first_day, root=catalogue.units[0][0], units=[u[0] for u in catalogue.units],
        hosts=[p.hostname for p in catalogue.profiles], warnings=[e.name for e in events if e.order == 0],
        silent=[p.hostname for p in catalogue.profiles if p.silent_after is not None],
        end_of_support=_end_of_support(session, catalogue, today), reports=reports, fixes=fixes)


def _host(session: Session, profile: Profile, secret: str, at: dt.datetime) -> Host:
    """The host, enrolled with its unit's secret a minute before its first report."""
    host = session.scalar(select(Host).where(Host.uuid == profile.uuid))
    if host is not None:
        return host
    request = wire.EnrollRequest(enroll_secret=secret, host_uuid=profile.uuid, hostname=profile.hostname)
    done = enroll.enroll(session, request, profile.address, at - dt.timedelta(minutes=1))
    if isinstance(done, enroll.Refused):
        raise done.error
    host = session.get(Host, done.host_id)
    if host is None:  # pragma: no cover - enroll() just created it
        raise PatchgapError(f"{profile.hostname}: enrolled but not found")
    return host


def _end_of_support(session: Session, catalogue: Catalogue, today: dt.date) -> list[str]:
    found = []
    names = [p.hostname for p in catalogue.profiles]
    for host in session.scalars(select(Host).where(Host.hostname.in_(names)).order_by(Host.hostname)):
        release = eol.release_of(host.platform, host.os_build, host.os_version, host.distro)
        if release and release.end_of_support <= today:
            found.append(host.hostname)
    return found


def later_report(hostname: str, first_day: dt.date, at: dt.datetime) -> wire.Report:
    """A report of ``hostname`` at ``at`` with every fix installed: what a host
    sends after the demo's three weeks (tests of report history use it)."""
    catalogue = demo_hosts.load()
    profile = catalogue.profile(hostname)
    fixed = {track: at.date() for track in catalogue.tracks_of(profile)}
    return demo_hosts.report(catalogue, profile, fixed, first_day, at)
