"""Which installed rpm packages an advisory entry names: by source or by binary.

Installed deb and rpm packages are matched through their source package
(``identity.match_name``), because distro advisories name source packages.
Not every rpm publisher does:

- OSV's AlmaLinux records list binary packages (``openssl-libs``,
  ``kernel-core``, ``python3-perf``, ``npm``), the source only where a binary
  carries its name, though OSV's ecosystem text says "source package";
- Red Hat's OSV export names "a binary or source RPM", side by side
  (``python-cryptography`` and ``python3-cryptography``), with purls that lost
  the ``arch`` qualifier that told them apart;
- Red Hat's CSAF products keep that qualifier (``?arch=src``, ``?arch=x86_64``);
- Rocky's, SUSE's, openSUSE's and MSRC's Azure Linux items name source
  packages (SUSE lists binaries in ``ecosystem_specific.binaries``).

# NOTE: the rule chosen. An entry says which kind it names when its purl has
# an ``arch`` qualifier; an entry of a publisher that names binaries without
# saying so (a ``pkg:rpm/redhat/`` purl, an ``almalinux:`` release) may name
# either, and the installed packages' names tell: an entry named N concerns
# an installed package of binary name B built from source package S when
#   1. N == B and the entry may name a binary: compared with B's version;
#   2. N == S: the entry names B's source, unless its record may list
#      binaries and the same advisory, for the same release, has an entry that
#      may name the binary B: then B's own entry decides. A binary may carry a
#      version of its own (npm 8.19 from nodejs 18.12, rubygem-json from ruby),
#      and the source's fix would flag it forever.
# Why not binary names everywhere: an entry naming source N would then meet
# an unrelated binary named N built from another source (the bench's fleet
# has one: binary "astroid" of source "astroidmail" against the source
# "astroid"), a false alarm; publishers that name sources never mean a
# binary. Why rpm only: Debian and Ubuntu records name source packages.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from server.db.models import Affected, Software
from server.ecosystems import BINARY_NAMED
from server.identifiers import parse_purl

# Publishers whose rpm records name binary packages without saying which
# entries do: purl namespaces, and releases only their records name.
_BINARY_NAMESPACES = frozenset({"redhat", "almalinux"})
_BINARY_RELEASES = ("almalinux:",)
CHUNK = 500
Entry = tuple[int, str, str]  # (advisory pk, distro, match name) of an rpm entry

# An installed package's binary name as entries are compared with it (lower
# case, like match names), computed by the database; "" for other ecosystems.
NAME_KEY = func.lower(func.trim(Software.name))
BINARY_KEY = case((Software.ecosystem.in_(BINARY_NAMED), NAME_KEY), else_=literal(""))


@lru_cache(maxsize=8192)  # asked of each rpm entry several times a run
def _purl_parts(purl: str) -> tuple[str, str]:
    """(namespace, arch qualifier) of a ``pkg:rpm/...`` purl; ("", "") otherwise."""
    parsed = parse_purl(purl) if purl else None
    if parsed is None or parsed.type != "rpm":
        return "", ""
    return parsed.namespace.lower(), parsed.qualifiers.get("arch", "").lower()


def may_list_binaries(ecosystem: str, distro: str, purl: str) -> bool:
    """Whether an entry's record may have entries for binary packages: it
    says which kind its entries are (a purl ``arch``), or its publisher names
    binaries. Only then can another entry of it decide for a binary (rule 2)."""
    if ecosystem not in BINARY_NAMED:
        return False
    namespace, arch = _purl_parts(purl)
    return bool(arch) or namespace in _BINARY_NAMESPACES or distro.startswith(_BINARY_RELEASES)


def may_name_binary(ecosystem: str, distro: str, purl: str) -> bool:
    """Whether an entry may name a binary package (rule 1), by what its
    record says or, where it says nothing, by its publisher."""
    return may_list_binaries(ecosystem, distro, purl) and _purl_parts(purl)[1] not in ("src", "nosrc")


def binary_name(binary_key: str, match_name: str) -> str:
    """The binary name an entry may also name an installed package by (its
    ``BINARY_KEY``); "" when there is none besides its match name (not rpm, or
    named like its source package)."""
    return "" if binary_key == match_name else binary_key


def needs_own_entry_check(binary: str, item_name: str) -> bool:
    """Whether a match of an entry named ``item_name`` with a package of this
    binary name came by the source rule (2) and waits on :func:`named_entries`."""
    return bool(binary) and binary != item_name


def named_entries(session: Session, wanted: Iterable[Entry]) -> set[Entry]:
    """Those of ``wanted`` that exist: the advisory has an rpm entry of that
    name for that release that may name a binary (the binary's own entry, rule 2)."""
    names: dict[int, set[str]] = defaultdict(set)
    wanted = set(wanted)
    for advisory_pk, _, name in wanted:
        names[advisory_pk].add(name)
    pks = sorted(names)
    found: set[Entry] = set()
    for start in range(0, len(pks), CHUNK):
        part = pks[start : start + CHUNK]
        query = select(Affected.advisory_pk, Affected.distro, Affected.match_name, Affected.ecosystem,
                       Affected.purl).where(
            Affected.ecosystem.in_(BINARY_NAMED), Affected.advisory_pk.in_(part),
            Affected.match_name.in_(sorted({n for pk in part for n in names[pk]})))
        found.update((pk, distro, name) for pk, distro, name, ecosystem, purl in session.execute(query)
                     if may_name_binary(ecosystem, distro, purl))
    return found & wanted


def binaries_of(rows: Iterable[Any]) -> dict[int, str]:
    """software id -> binary name, of rows read with ``BINARY_KEY`` last whose
    binary is not named like their source package."""
    return {row[0]: row[-1] for row in rows if row[-1] and row[-1] != row[2]}


def named_binaries(session: Session) -> dict[int, str]:
    """software id -> binary name, of every rpm row named unlike its source
    package whose binary name some rpm entry uses (no other can matter)."""
    entry_names = select(Affected.match_name).where(Affected.ecosystem.in_(BINARY_NAMED))
    query = select(Software.id, NAME_KEY).where(
        Software.ecosystem.in_(BINARY_NAMED), NAME_KEY != Software.match_name, NAME_KEY.in_(entry_names))
    return {sw_id: name for sw_id, name in session.execute(query)}


def by_binary_name(session: Session, columns: Iterable[Any], names: Iterable[str] | None = None
                   ) -> dict[str, list[Any]]:
    """Installed rpm rows not named like their source package, by binary name
    (``BINARY_KEY``, which ``columns`` end with): those named ``names``, or all.

    # NOTE: ``software.name`` has no index, so either way this reads the rpm
    # rows: a few names are looked up where they are, a large import reads all
    # once. Only a feed import of entries that may name binaries needs it
    # (``engine.match_affected``); other paths start from the software rows."""
    query = select(*columns).where(Software.ecosystem.in_(BINARY_NAMED), NAME_KEY != Software.match_name)
    wanted = None if names is None else sorted(set(names))
    parts = [query] if wanted is None else [
        query.where(NAME_KEY.in_(wanted[start : start + CHUNK])) for start in range(0, len(wanted), CHUNK)]
    found: dict[str, list[Any]] = defaultdict(list)
    for part in parts:
        for row in session.execute(part):
            found[row[-1]].append(row)
    return found
