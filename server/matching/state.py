"""What the stored matches were computed under, kept in ``match_state``.

Matches and findings are kept current by the paths that change their
inputs: a report matches its new software (``engine.match_host``), a feed
import the items it touched (``engine.match_affected``). What those paths
cannot see is a change to the matcher itself or to the product rules in
force, so both are recorded here and compared by ``rematch``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from server.db.models import MatchState
from server.matching.products import ProductRules

# The code whose rules decide which pairs match and how software and items
# are named: versions, identifiers, ecosystems and releases, matching.
_SERVER = Path(__file__).resolve().parents[1]
_MATCHING_CODE = ("matching", "versions", "identifiers", "ecosystems.py", "distros.py")


def _code_digest() -> str:
    """A digest of the matching code as installed.

    # NOTE: derived, not a number to bump by hand: an upgrade that changes any
    # matching rule (a new stream rule, a version-order fix) must re-match
    # every host, and a forgotten bump would leave findings decided by the old
    # rules — a missed fix nobody sees. A change that alters no decision costs
    # one needless full re-match after an upgrade."""
    digest = hashlib.sha256()
    for name in _MATCHING_CODE:
        place = _SERVER / name
        files = sorted(place.rglob("*.py")) if place.is_dir() else [place] if place.exists() else []
        for path in files:
            digest.update(path.relative_to(_SERVER).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


MATCHER_VERSION = _code_digest()


def rules_digest(rules: ProductRules) -> str:
    """A digest of the rules as loaded (not of the files: a running process
    keeps the rules it read, and that is what identities were computed with)."""
    parts = [f"name\t{name}\t{rule.identity}" for name, rule in sorted(rules.exact.items())]
    parts += [f"regex\t{pattern.pattern}\t{rule.identity}" for pattern, rule in rules.patterns]  # order matters
    parts += [f"cpe\t{alias}\t{identity}" for alias, identity in sorted(rules.aliases.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def current(rules: ProductRules) -> dict[str, str]:
    return {"matcher": MATCHER_VERSION, "rules": rules_digest(rules)}


def recorded(session: Session) -> dict[str, str]:
    return {name: value for name, value in session.execute(select(MatchState.name, MatchState.value))}


def record(session: Session, state: dict[str, str]) -> None:
    session.execute(delete(MatchState))
    session.execute(insert(MatchState), [{"name": name, "value": value} for name, value in state.items()])
