"""The naive baseline: host by host, package by package.

For each host, for each of its packages, look up the affected items of that
package's identity (one query each, already narrowed to the host's release;
an rpm package's binary name too, by ``rpm_names``' rule) and compare
versions with ``decide.package_verdict``; Windows hosts also
check every Windows-build item with ``decide.windows_os_verdict``. No
caching, no sharing between hosts: what a first implementation does. It
gives the same findings (the smoke test checks that), only slower.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Affected, Host, HostPatch, HostSoftware, Software
from server.distros import families_naming
from server.ecosystems import affected_ecosystems_for
from server.matching.decide import package_verdict, stream_verdict, windows_os_verdict
from server.matching.engine import item_of
from server.matching.lookup import stream_siblings
from server.matching.rpm_names import (BINARY_KEY, binary_name, may_list_binaries, may_name_binary, named_entries,
                                       needs_own_entry_check)

Key = tuple[int, int, int]  # host, affected item, software (0 = the OS)


def _releases(distro: str, release: str) -> list[str]:
    return ["", distro, *([release] if release else []), *families_naming(distro)]


def naive_host(session: Session, host_id: int, only: Sequence[int] | None = None) -> set[Key]:
    """The findings one host should have (``only``: just these affected items)."""
    host = session.get(Host, host_id)
    assert host is not None
    found: set[Key] = set()
    software = session.execute(
        select(Software.id, Software.ecosystem, Software.match_name, Software.version, BINARY_KEY)
        .join(HostSoftware, HostSoftware.software_id == Software.id).where(HostSoftware.host_id == host_id)
    ).all()
    for sw_id, ecosystem, match_name, version, binary_key in software:
        binary = binary_name(binary_key, match_name)
        for name in (match_name, binary) if binary else (match_name,):
            query = select(Affected).where(Affected.ecosystem.in_(affected_ecosystems_for(ecosystem)),
                                           Affected.match_name == name, Affected.distro.in_(_releases(host.distro, host.release)))
            if only is not None:
                query = query.where(Affected.id.in_(only))
            for row in session.scalars(query):
                if name == binary and not may_name_binary(row.ecosystem, row.distro, row.purl):
                    continue  # this entry names a source package, not this binary
                if needs_own_entry_check(binary, name) and may_list_binaries(
                        row.ecosystem, row.distro, row.purl) and named_entries(
                        session, [(row.advisory_pk, row.distro, binary)]):
                    continue  # the advisory's own entry for the binary decides
                verdict = package_verdict(item_of(row), version, name)
                if host.release and verdict.affected:
                    siblings = stream_siblings(session, row)
                    verdict = stream_verdict(row.distro, host.distro, host.release, verdict,  # type: ignore[assignment]
                                             [(s.distro, package_verdict(item_of(s), version, name)) for s in siblings])
                if verdict is not None and verdict.affected:
                    found.add((host_id, row.id, sw_id))
    if host.platform == "windows":
        kbs = {kb.upper() for kb in session.scalars(select(HostPatch.hotfix_id).where(HostPatch.host_id == host_id))}
        query = select(Affected).where(Affected.ecosystem == "windows-os")
        if only is not None:
            query = query.where(Affected.id.in_(only))
        for row in session.scalars(query):
            if windows_os_verdict(item_of(row), host.os_build, kbs, host.os_arch, row.distro).affected:
                found.add((host_id, row.id, 0))
    return found


def engine_findings(session: Session, host_ids: Sequence[int] | None = None) -> set[Key]:
    """The open findings the engine wrote (for these hosts)."""
    from server.db.models import Finding

    query = select(Finding.host_id, Finding.affected_id, Finding.software_id).where(Finding.resolved_at.is_(None))
    if host_ids is not None:
        query = query.where(Finding.host_id.in_(host_ids))
    return {tuple(row) for row in session.execute(query)}  # type: ignore[misc]
