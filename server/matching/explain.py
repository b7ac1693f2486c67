"""Why a host is, or is not, affected by an advisory: which rule, which
installed item, which comparison. The same decisions the engine makes, made
again for one host so an admin can check them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Advisory, Affected, Host, HostPatch, HostSoftware, Software
from server.distros import applies_to, is_minor_stream
from server.ecosystems import DISTRO_PACKAGES, GENERIC, WINDOWS_OS, software_ecosystems_for
from server.errors import NotFound
from server.reports.i18n import Said
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
    verdict: str  # affected | not affected | not applicable | not installed (catalogue keys)
    reason: str  # a catalogue phrase (Said): English as a str, said in the reader's language in tables

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


def _other_release(host: Host, row: Affected) -> Said:
    """Why an item of another release does not concern this host."""
    where = host.distro or host.platform or Said("why_unknown")
    if not is_minor_stream(row.distro):
        return Said("why_other_release", distro=row.distro, host=where)
    if host.release:
        return Said("why_other_release_at", distro=row.distro, host=where, release=host.release)
    return Said("why_other_release_unknown_minor", distro=row.distro, host=where)


def _not_installed(ecosystem: str, binaries: bool) -> str:
    """The catalogue key saying which name was looked for and how."""
    if binaries:
        return "why_no_package_or_binary"
    if ecosystem in DISTRO_PACKAGES:
        return "why_no_source_package"
    return "why_no_program" if ecosystem == GENERIC else "why_no_item"


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
                                Said("why_not_windows", family=row.product,
                                     platform=host.platform or Said("why_unknown")))]
        kbs = set(session.scalars(select(HostPatch.hotfix_id).where(HostPatch.host_id == host.id)))
        verdict = windows_os_verdict(item, host.os_build, {kb.upper() for kb in kbs}, host.os_arch, row.distro)
        return [Explanation(advisory.advisory_id, label, host.os_build, fixed, _word(verdict), verdict.reason)]
    if not applies_to(row.distro, host.distro, host.release):
        return [Explanation(advisory.advisory_id, label, "", fixed, "not applicable", _other_release(host, row))]
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
        return [Explanation(advisory.advisory_id, label, "", fixed, "not installed",
                            Said(_not_installed(row.ecosystem, binaries), ecosystem=row.ecosystem,
                                 name=row.match_name))]
    siblings = stream_siblings(session, row) if host.release else []
    out = []
    for name, match_name, version, binary_key in installed:
        binary = binary_name(binary_key, match_name)
        if needs_own_entry_check(binary, row.match_name) and may_list_binaries(
                row.ecosystem, row.distro, row.purl) and named_entries(
                session, [(row.advisory_pk, row.distro, binary)]):
            out.append(Explanation(advisory.advisory_id, f"{label}: {name}", version, fixed, "not applicable",
                                   Said("why_binary_entry_decides", binary=binary)))
            continue
        decided = stream_verdict(row.distro, host.distro, host.release, package_verdict(item, version, row.match_name),
                                 [(s.distro, package_verdict(item_of(s), version, s.match_name)) for s in siblings])
        if decided is None:
            out.append(Explanation(advisory.advisory_id, f"{label}: {name}", version, fixed, "not applicable",
                                   Said("why_stream_decides", release=host.release,
                                        stream=stream_label(host.release))))
            continue
        verdict = decided
        reason = verdict.reason if binary != row.match_name else Said("why_binary_package", name=name,
                                                                      reason=verdict.reason)
        if row.needs_review and row.vers_range:  # e.g. a layered product's contradictory release
            reason = Said("why_with_note", reason=reason, note=row.needs_review)
        out.append(Explanation(advisory.advisory_id, f"{label}: {name}", version, fixed, _word(verdict), reason))
    return out

