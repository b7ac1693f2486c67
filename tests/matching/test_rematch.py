"""Re-matching redoes only what changed since the stored matches were
computed: everything after a matcher change, the rows a product rule
renames after a rules change, nothing when nothing changed; on SQLite and
PostgreSQL."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, update

from server.db.models import Finding, MatchState, Software, SoftwareMatch
from server.feeds.interface import AffectedItem
from server.matching import state
from server.matching.findings import Delta
from server.matching.products import ENV_VAR, default_rules
from server.matching.rematch import Rematched, rematch
from tests.matching.helpers import NOW, advisory, findings, linux, pkg, publish, report, windows

LATER = NOW + dt.timedelta(days=1)
CURL = AffectedItem("deb", "curl", "vers:deb/<7.88.1-10+deb12u6", "7.88.1-10+deb12u6", distro="debian:12")
VAN_BAN = AffectedItem("windows-program", "van_ban", vendor="contoso", fixed_version="2.2")


def _fleet(session):  # type: ignore[no-untyped-def]
    report(session, linux("a", "debian", 12, [pkg("curl", "7.88.1-10+deb12u5")]))
    report(session, windows("w", "10.0.19045.4529", programs=[pkg("Contoso Văn bản 2.1", "2.1", "windows-program")]))
    publish(session, advisory("DSA-1", CURL), advisory("1700/CATTT", VAN_BAN, source="warning"))


def _stored(session):  # type: ignore[no-untyped-def]
    pairs = {tuple(r) for r in session.execute(select(SoftwareMatch.software_id, SoftwareMatch.affected_id))}
    rows = {tuple(r) for r in session.execute(select(Finding.id, Finding.host_id, Finding.affected_id,
                                                           Finding.resolved_at))}
    return pairs, rows


def test_a_rematch_with_nothing_changed_does_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        before = _stored(session)
        # No recorded state yet (a new or migrated database): everything, and nothing differs.
        assert rematch(session, LATER) == Rematched("full", Delta(0, 0))
        assert state.recorded(session) == state.current(default_rules())
        assert rematch(session, LATER) == Rematched("none", Delta(0, 0))
        assert _stored(session) == before and findings(session) == {("a", "DSA-1", "curl")}


def test_a_full_rematch_writes_only_what_differs(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        pairs, _ = _stored(session)
        # A stale pair the matcher would not find, and a missing one it would.
        stale = session.scalar(select(Software.id).where(Software.name == "Contoso Văn bản 2.1"))
        session.execute(SoftwareMatch.__table__.delete())
        session.add(SoftwareMatch(software_id=stale, affected_id=min(a for _, a in pairs)))
        result = rematch(session, LATER, full=True)
        assert result.scope == "full"
        assert _stored(session)[0] == pairs
        assert findings(session) == {("a", "DSA-1", "curl")}


def test_a_matcher_change_rematches_everything(sessions, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        rematch(session, LATER)
        monkeypatch.setattr(state, "MATCHER_VERSION", "next")
        assert rematch(session, LATER).scope == "full"
        assert session.scalar(select(MatchState.value).where(MatchState.name == "matcher")) == "next"


def test_a_new_rule_rematches_only_what_it_renames(sessions, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _fleet(session)
        assert rematch(session, LATER).scope == "full"
        assert findings(session) == {("a", "DSA-1", "curl")}
    path = tmp_path / "rules.csv"
    path.write_text("match,pattern,vendor,product,note\nname,contoso van ban,contoso,van_ban,\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    with sessions.begin() as session:
        # A change no rematch should look at: were it re-matched, this pair would vanish.
        curl = session.scalar(select(Software.id).where(Software.name == "curl"))
        session.execute(update(Software).where(Software.id == curl).values(version="7.88.1-10+deb12u9"))
        result = rematch(session, LATER)
        assert result == Rematched("rules", Delta(1, 0))
        assert findings(session) == {("a", "DSA-1", "curl"), ("w", "1700/CATTT", "Contoso Văn bản 2.1")}
        assert rematch(session, LATER).scope == "none"
