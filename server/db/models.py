"""Typed SQLAlchemy 2 models: inventory, advisories, findings.

Software is stored once per distinct (ecosystem, name, version, ...) and hosts
link to it, so matching works on distinct rows, never host by host. Findings
and address history are never deleted: any past week can be reported as it
stood.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from collector import limits as L

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timestamps are stored and returned as aware UTC datetimes on every
    backend (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Unit(Base):
    """An organisational unit (đơn vị): a department, an office, a commune.
    Units form a tree (province > district > commune > department); a unit
    without a parent is a root."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The administrative code people use for the unit (mã đơn vị), if any.
    code: Mapped[str] = mapped_column(String(32), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # New hosts enrolled with this unit's secret wait for an admin's approval.
    approve_new_hosts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class EnrollSecret(Base):
    """A secret an admin hands to collectors of one unit. Only its hash is kept."""

    __tablename__ = "enroll_secrets"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings to tell secrets apart
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    unit: Mapped[Unit] = relationship()


class Host(Base):
    __tablename__ = "hosts"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(L.UUID), unique=True)
    hostname: Mapped[str] = mapped_column(String(L.HOSTNAME), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    node_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(L.PLATFORM), default="")
    platform_like: Mapped[str] = mapped_column(String(L.PLATFORM_LIKE), default="")
    os_name: Mapped[str] = mapped_column(String(L.OS_NAME), default="")
    os_version: Mapped[str] = mapped_column(String(L.OS_VERSION), default="")
    os_build: Mapped[str] = mapped_column(String(L.OS_BUILD), default="")
    os_arch: Mapped[str] = mapped_column(String(L.ARCH), default="")
    os_codename: Mapped[str] = mapped_column(String(L.CODENAME), default="")
    # "debian:12", "ubuntu:22.04", "rhel:9", "" for Windows/macOS: the release
    # distro advisories are written for.
    distro: Mapped[str] = mapped_column(String(64), default="", index=True)
    # "rhel:9.2": the minor release of an Enterprise Linux host, which
    # minor-release streams (EUS, AUS, TUS, E4S) name; "" elsewhere.
    release: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hardware: Mapped[str] = mapped_column(String(2 * L.HARDWARE_PART + 1), default="")
    collector_version: Mapped[str] = mapped_column(String(L.COLLECTOR_VERSION), default="")
    collector_source: Mapped[str] = mapped_column(String(L.COLLECTOR_SOURCE), default="")
    enrolled_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_report_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_collected_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Cut off by an admin: no node key works until an enrollment is approved.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    unit: Mapped[Unit] = relationship()


class HostReportDay(Base):
    """The days on which a host reported: which hosts reported in any past
    week, and which were silent, without keeping every report."""

    __tablename__ = "host_report_days"
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True, index=True)


class EnrollAttempt(Base):
    """Every enrollment asked for and what became of it: the audit trail of
    host identity, the queue of enrollments waiting for an admin, and what
    the rate limits count. A pending attempt holds the hash of the node key
    it issued; approving it gives that key to the host."""

    __tablename__ = "enroll_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    source_address: Mapped[str] = mapped_column(String(L.ADDRESS), default="")
    secret_id: Mapped[int | None] = mapped_column(ForeignKey("enroll_secrets.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    host_id: Mapped[int | None] = mapped_column(ForeignKey("hosts.id", ondelete="SET NULL"))
    host_uuid: Mapped[str] = mapped_column(String(L.UUID), default="")
    hostname: Mapped[str] = mapped_column(String(L.HOSTNAME), default="")
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(255), default="")
    node_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        Index("ix_enroll_attempts_source_address_at", "source_address", "at"),
        Index("ix_enroll_attempts_secret_id_at", "secret_id", "at"),
    )


class Software(Base):
    """One distinct installed item, shared by every host that has it."""

    __tablename__ = "software"
    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the identity fields: one portable unique key for upserts.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    ecosystem: Mapped[str] = mapped_column(String(L.ECOSYSTEM))
    name: Mapped[str] = mapped_column(String(L.SOFTWARE_NAME))
    version: Mapped[str] = mapped_column(String(L.VERSION))
    arch: Mapped[str] = mapped_column(String(L.ARCH), default="")
    vendor: Mapped[str] = mapped_column(String(L.VENDOR), default="")
    source_package: Mapped[str] = mapped_column(String(L.SOURCE_PACKAGE), default="")
    release: Mapped[str] = mapped_column(String(L.RELEASE), default="")
    # The name advisories are matched on (source package for distros,
    # normalised product name for programs).
    match_name: Mapped[str] = mapped_column(String(L.SOFTWARE_NAME))

    __table_args__ = (Index("ix_software_ecosystem_match_name", "ecosystem", "match_name"),)


class HostSoftware(Base):
    __tablename__ = "host_software"
    host_id: Mapped[int] = mapped_column(
        ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True
    )
    software_id: Mapped[int] = mapped_column(ForeignKey("software.id"), primary_key=True, index=True)
    first_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class HostReportBase(Base):
    """The host's last applied report, as a delta names it: its id, and the
    parts of it the inventory tables do not keep (host, OS and collector
    facts as sent, and the interface addresses it listed). Its software and
    hotfixes are the host's rows in host_software and host_patches."""

    __tablename__ = "host_report_bases"
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(L.REPORT_ID))
    header: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    applied_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class HostPatch(Base):
    __tablename__ = "host_patches"
    host_id: Mapped[int] = mapped_column(
        ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True
    )
    hotfix_id: Mapped[str] = mapped_column(String(L.HOTFIX_ID), primary_key=True)
    installed_on: Mapped[str] = mapped_column(String(L.INSTALLED_ON), default="")
    description: Mapped[str] = mapped_column(String(L.DESCRIPTION), default="")
    first_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class HostAddress(Base):
    """Every address a host was seen with, and when: the botnet list names
    addresses at a date."""

    __tablename__ = "host_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(L.ADDRESS), index=True)
    interface: Mapped[str] = mapped_column(String(L.INTERFACE), default="")
    mac: Mapped[str] = mapped_column(String(L.MAC), default="")
    kind: Mapped[str] = mapped_column(String(16), default="interface")
    first_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("host_id", "address", "interface", "kind"),)


class UnitEgress(Base):
    """An address range a unit's machines reach the outside from (its NAT
    router's public address), valid for a period: a botnet list names it."""

    __tablename__ = "unit_egress"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(64))  # CIDR, normalised
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    unit: Mapped[Unit] = relationship()


class BotnetList(Base):
    """One imported botnet IP list (the monthly national list, or another)."""

    __tablename__ = "botnet_lists"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source_file: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(32), default="")
    listed_on: Mapped[dt.date] = mapped_column(Date)
    # Entries without a time match addresses held within this many days of listed_on.
    window_days: Mapped[int] = mapped_column(Integer, default=30)
    # sha256 of the entries: importing the same list again changes nothing.
    digest: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    entries: Mapped[list[BotnetEntry]] = relationship(
        back_populates="botnet_list", cascade="all, delete-orphan", order_by="BotnetEntry.row"
    )


class BotnetEntry(Base):
    __tablename__ = "botnet_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("botnet_lists.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    network: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    family: Mapped[str] = mapped_column(String(128), default="")
    port: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(200), default="")
    isp: Mapped[str] = mapped_column(String(200), default="")
    botnet_list: Mapped[BotnetList] = relationship(back_populates="entries")


class TriageSnapshot(Base):
    """What a host's triage queries answered (listening ports, remote
    connections, autoruns...), as the collector sent it: kept for history."""

    __tablename__ = "triage_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    collected_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(L.COLLECTOR_SOURCE), default="")
    # [{"name", "columns", "rows", "truncated", "error"}], as wire.TriageResult
    results: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    skipped: Mapped[list[str]] = mapped_column(JSON, default=list)


class TriageRequest(Base):
    """A triage snapshot asked of a host: because a botnet list named it
    (``requested_by`` the list) or because an admin asked. Its next report
    is answered ``triage_requested`` until a snapshot fulfils it; at most
    one is pending per host."""

    __tablename__ = "triage_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # "botnet" | "admin"
    requested_by: Mapped[str] = mapped_column(String(255), default="")
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    fulfilled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("triage_snapshots.id", ondelete="SET NULL"))

    __table_args__ = (
        Index("uq_triage_requests_pending", "host_id", unique=True,
              sqlite_where=text("fulfilled_at IS NULL"), postgresql_where=text("fulfilled_at IS NULL")),
    )


class OsqueryResult(Base):
    """The latest rows of one inventory query of a host that reports through
    osquery's own TLS API (osqueryd alone, no collector): its scheduled
    snapshots and differentials arrive query by query, and a report is
    assembled from the latest rows of every query. ``error``: the query
    failed on that host (an older osquery without the table or column), which
    counts as answered with no rows, as the collector skips it."""

    __tablename__ = "osquery_results"
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True)
    query: Mapped[str] = mapped_column(String(64), primary_key=True)
    rows: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    collected_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # osquery's differential state: a diff applies only on top of its own epoch's rows.
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")


class OsqueryStatusLine(Base):
    """osqueryd's own status log (its warnings and errors), kept briefly and
    bounded per host, for troubleshooting (``patchgap host NAME --osquery-status``)."""

    __tablename__ = "osquery_status_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    logged_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    severity: Mapped[int] = mapped_column(Integer, default=0)  # 0 info, 1 warning, 2 error, 3 fatal
    location: Mapped[str] = mapped_column(String(255), default="")  # "scheduler.cpp:83"
    message: Mapped[str] = mapped_column(Text, default="")


class OsqueryRefresh(Base):
    """An inventory asked of an osquery host through osquery's distributed
    queries (``patchgap host refresh``, or at enrollment): handed out at its
    next distributed read, done when the write arrives."""

    __tablename__ = "osquery_refreshes"
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    requested_by: Mapped[str] = mapped_column(String(255), default="")
    handed_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Advisory(Base):
    __tablename__ = "advisories"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    advisory_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="")
    cvss: Mapped[float | None] = mapped_column(Float)
    cves: Mapped[list[str]] = mapped_column(JSON, default=list)
    published: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    updated: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revision: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    exploited: Mapped[bool] = mapped_column(Boolean, default=False)
    # The date by which hosts must be fixed (the national warning's deadline).
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    kev_due_date: Mapped[dt.date | None] = mapped_column(Date)
    # sha256 of the normalised content: re-importing an unchanged document is a no-op.
    digest: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    affected: Mapped[list[Affected]] = relationship(
        back_populates="advisory", cascade="all, delete-orphan", order_by="Affected.id"
    )

    __table_args__ = (UniqueConstraint("source", "advisory_id"),)


class Affected(Base):
    """One affected product identity of an advisory, with its range and fix."""

    __tablename__ = "affected"
    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_pk: Mapped[int] = mapped_column(
        ForeignKey("advisories.id", ondelete="CASCADE"), index=True
    )
    ecosystem: Mapped[str] = mapped_column(String(32))
    product: Mapped[str] = mapped_column(String(512))
    match_name: Mapped[str] = mapped_column(String(512))
    vendor: Mapped[str] = mapped_column(String(255), default="")
    distro: Mapped[str] = mapped_column(String(64), default="")
    vers_range: Mapped[str] = mapped_column(Text, default="")
    fixed_version: Mapped[str] = mapped_column(String(255), default="")
    fixed_kbs: Mapped[list[str]] = mapped_column(JSON, default=list)
    cpe: Mapped[str] = mapped_column(Text, default="")
    purl: Mapped[str] = mapped_column(Text, default="")
    needs_review: Mapped[str] = mapped_column(Text, default="")
    # A warning that lists only CVEs borrows the items other feeds know for
    # them: the advisory an item was copied from, and the CVE that led there.
    derived_from: Mapped[int | None] = mapped_column(Integer, index=True)
    cve: Mapped[str] = mapped_column(String(32), default="")
    advisory: Mapped[Advisory] = relationship(back_populates="affected")

    # With the distro: a minor-release stream's sibling items are found by
    # (ecosystem, match_name, distro) (server.matching.findings.stream_applies).
    __table_args__ = (Index("ix_affected_ecosystem_match_name_distro", "ecosystem", "match_name", "distro"),)


class AdvisoryCve(Base):
    """CVE ids of each advisory, indexed: warnings and KEV join on them."""

    __tablename__ = "advisory_cves"
    advisory_pk: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"), primary_key=True)
    cve: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class Warning(Base):
    """A national warning letter (công văn): number, issuer, date, deadline."""

    __tablename__ = "warnings"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(128), unique=True)
    issuing_body: Mapped[str] = mapped_column(String(255), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="")
    cves: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    advisory_pk: Mapped[int | None] = mapped_column(
        ForeignKey("advisories.id", ondelete="SET NULL"), index=True
    )
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class SoftwareMatch(Base):
    """A distinct software row inside an affected range (host-independent)."""

    __tablename__ = "software_matches"
    software_id: Mapped[int] = mapped_column(
        ForeignKey("software.id", ondelete="CASCADE"), primary_key=True
    )
    affected_id: Mapped[int] = mapped_column(
        ForeignKey("affected.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MatchState(Base):
    """What the stored matches were computed under: the matcher's version and
    the digest of the product rules in force (``server.matching.state``). A
    re-match compares them and redoes only what they say changed."""

    __tablename__ = "match_state"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class Finding(Base):
    """A host missing a fix. Resolved findings are kept for history."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"))
    advisory_pk: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"))
    affected_id: Mapped[int | None] = mapped_column(
        ForeignKey("affected.id", ondelete="SET NULL"), index=True
    )
    # 0 for OS-level findings (no software row): keeps the open-finding key unique.
    software_id: Mapped[int] = mapped_column(Integer, default=0)
    matcher: Mapped[str] = mapped_column(String(32))
    matched_on: Mapped[str] = mapped_column(Text, default="")
    installed_version: Mapped[str] = mapped_column(String(255), default="")
    fixed_version: Mapped[str] = mapped_column(String(255), default="")
    first_detected: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_findings_host_id_resolved_at", "host_id", "resolved_at"),
        Index("ix_findings_advisory_pk", "advisory_pk"),
        # What opened and closed within a week, and whether a pair was open
        # at a moment, answered from the indexes alone (weekly report).
        Index("ix_findings_first_detected", "first_detected", "host_id", "advisory_pk", "resolved_at"),
        Index("ix_findings_resolved_at", "resolved_at", "host_id", "advisory_pk", "first_detected"),
        Index("ix_findings_host_id_advisory_pk", "host_id", "advisory_pk", "first_detected", "resolved_at"),
        # At most one open finding per (host, affected item, software).
        Index(
            "uq_findings_open",
            "host_id",
            "affected_id",
            "software_id",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )


class ReportWeek(Base):
    """A closed week whose per-host gap figures are kept in
    ``week_host_gaps``: a week that has ended no longer changes (findings
    are stamped by the server as they open and close), so the weekly report
    reads these few rows instead of every finding open at that moment."""

    __tablename__ = "report_weeks"
    last_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    taken_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class WeekHostGaps(Base):
    """One host's open gaps at the end of a closed week, and whether it
    reported that week: a row for every host enrolled by then. ``worst_rank``
    orders the worst host–advisory pair as the report's priority does (known
    exploited and overdue first, then exploited, overdue, severity); ties go
    to the oldest."""

    __tablename__ = "week_host_gaps"
    last_day: Mapped[dt.date] = mapped_column(ForeignKey("report_weeks.last_day", ondelete="CASCADE"),
                                              primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True, index=True)
    reported: Mapped[bool] = mapped_column(Boolean)
    open_gaps: Mapped[int] = mapped_column(Integer)
    overdue_gaps: Mapped[int] = mapped_column(Integer)
    critical: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)
    medium: Mapped[int] = mapped_column(Integer)
    low: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)
    oldest_open: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    worst_advisory_pk: Mapped[int | None] = mapped_column(ForeignKey("advisories.id", ondelete="SET NULL"))
    worst_rank: Mapped[int | None] = mapped_column(Integer)
    worst_first_detected: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Feed(Base):
    """A configured advisory source and the outcome of its last sync."""

    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(Text)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[str] = mapped_column(String(32), default="never")
    last_error: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[int] = mapped_column(Integer, default=0)
    advisories: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
