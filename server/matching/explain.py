"""Why a host is, or is not, affected by an advisory: which rule, which
installed item, which comparison. The same decisions the engine makes, made
again for one host so an admin can check them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Advisory, Affected, Host, HostPatch, HostSoftware, Software
from server.distros import applies_to, is_minor_stream
from server.ecosystems import WINDOWS_OS, software_ecosystems_for
from server.errors import NotFound
from server.matching.decide import Verdict, package_verdict, stream_label, stream_verdict, windows_os_verdict
from server.matching.engine import item_of
from server.matching.lookup import stream_siblings
from server.matching.rpm_names import (BINARY_KEY, NAME_KEY, binary_name, may_list_binaries, may_name_binary,
                                       named_entries, needs_own_entry_check)


@dataclass(frozen=True)
class Explanation:
    advisory: str
    item: str
    installed: str
    fixed: str
    verdict: str  # affected | not affected | not applicable | not installed
    reason: str

    def as_row(self) -> dict[str, str]:
        return {
            "advisory": self.advisory,
            "item": self.item,
            "installed": self.installed,
            "fixed": self.fixed,
            "verdict": self.verdict,
            "reason": self.reason,
        }


def _word(verdict: Verdict) -> str:
    return "affected" if verdict.affected else "not affected"


def explain(session: Session, host: Host, advisory_id: str) -> list[Explanation]:
    advisories = session.scalars(select(Advisory).where(Advisory.advisory_id == advisory_id)).all()
    if not advisories:
        raise NotFound.of("no_advisory", name=advisory_id)
    out: list[Explanation] = []
    for advisory in advisories:
        for row in session.scalars(select(Affected).where(Affected.advisory_pk == advisory.id).order_by(Affected.id)):
            out.extend(_explain_item(session, host, advisory, row))
    return out


def _explain_item(session: Session, host: Host, advisory: Advisory, row: Affected) -> list[Explanation]:
    item = item_of(row)
    fixed = row.fixed_version or ", ".join(row.fixed_kbs or ())
    label = f"{row.ecosystem} {row.product}" + (f" ({row.distro})" if row.distro else "")
    if row.ecosystem == WINDOWS_OS:
        if host.platform != "windows":
            return [Explanation(advisory.advisory_id, label, "", fixed, "not applicable",
                                f"Windows build family {row.product}; this host runs {host.platform or 'unknown'}")]
        kbs = set(session.scalars(select(HostPatch.hotfix_id).where(HostPatch.host_id == host.id)))
        verdict = windows_os_verdict(item, host.os_build, {kb.upper() for kb in kbs}, host.os_arch, row.distro)
        return [Explanation(advisory.advisory_id, label, host.os_build, fixed, _word(verdict), verdict.reason)]
    if not applies_to(row.distro, host.distro, host.release):
        return [Explanation(advisory.advisory_id, label, "", fixed, "not applicable",
                            f"advisory is for {row.distro}; this host is {host.distro or host.platform or 'unknown'}"
                            + (f" at {host.release or 'an unknown minor'}" if is_minor_stream(row.distro) else ""))]
    binaries = may_name_binary(row.ecosystem, row.distro, row.purl)
    named = Software.match_name == row.match_name
    if binaries:
        named = named | (NAME_KEY == row.match_name)  # rpm_names, rule 1
    installed = session.execute(
        select(Software.name, Software.match_name, Software.version, BINARY_KEY)
        .join(HostSoftware, HostSoftware.software_id == Software.id)
        .where(HostSoftware.host_id == host.id, Software.ecosystem.in_(software_ecosystems_for(row.ecosystem)), named)
        .order_by(Software.name)
    ).all()
    if not installed:
        if binaries:
            what, how = f"{row.ecosystem} package", "built from source package or named"
        else:
            how = "built from source package" if row.ecosystem in ("deb", "rpm") else "identified as"
            what = "program" if row.ecosystem == "generic" else f"{row.ecosystem} item"
        return [Explanation(advisory.advisory_id, label, "", fixed, "not installed",
                            f"no {what} {how} {row.match_name!r} on this host")]
    siblings = stream_siblings(session, row) if host.release else []
    out = []
    for name, match_name, version, binary_key in installed:
        binary = binary_name(binary_key, match_name)
        if needs_own_entry_check(binary, row.match_name) and may_list_binaries(
                row.ecosystem, row.distro, row.purl) and named_entries(
                session, [(row.advisory_pk, row.distro, binary)]):
            out.append(Explanation(advisory.advisory_id, f"{label}: {name}", version, fixed, "not applicable",
                                   f"this advisory's entry for the binary package {binary} decides"))
            continue
        decided = stream_verdict(row.distro, host.distro, host.release, package_verdict(item, version, row.match_name),
                                 [(s.distro, package_verdict(item_of(s), version, s.match_name)) for s in siblings])
        if decided is None:
            out.append(Explanation(advisory.advisory_id, f"{label}: {name}", version, fixed, "not applicable",
                                   f"this host is at {host.release}: this advisory's item of "
                                   f"{stream_label(host.release)} decides"))
            continue
        verdict = decided
        reason = verdict.reason if binary != row.match_name else f"binary package {name}: {verdict.reason}"
        if row.needs_review and row.vers_range:
            reason = f"{reason} (note: {row.needs_review})"  # e.g. a layered product's contradictory release
        out.append(Explanation(advisory.advisory_id, f"{label}: {name}", version, fixed, _word(verdict), reason))
    return out

