"""osquery's remote API on the FastAPI app: ``/api/osquery/enroll``,
``config``, ``log``, ``distributed/read``, ``distributed/write``.

Bodies are read bounded on the event loop and handled in the thread pool, as
the v1 endpoints are; every write holds the SQLite write queue's turn and the
host's row lock. A body that cannot be read is answered 4xx with a reason and
stores nothing (osqueryd keeps its buffered logs and sends them again). An
unknown, revoked or denied node key is answered ``{"node_invalid": true}``,
on which osqueryd enrolls again.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from collector import limits, wire
from collector.errors import SourceFailed
from server.api import body, validate
from server.api.identity import run_enrollment, utcnow
from server.api.problems import ApiError
from server.api.writers import WriteQueue
from server.db.models import Host
from server.errors import AuthError, InvalidInput, PendingApproval
from server.inventory import enroll as enrollment
from server.inventory.service import apply_report
from server.osquery_remote import assemble, bodies, refresh, results, schedule, status, store, triage
from server.osquery_remote import openapi as oa
from server.osquery_remote.enroll import enroll_request
from server.settings import Settings
from server.triage import requests as triage_requests
from server.triage import snapshots

log = logging.getLogger("patchgap.osquery")
PREFIX = "/api/osquery"
SMALL_BODY = 64 * 1024  # config and distributed read carry a node key only
# A host whose inventory did not change still reports this often, so it is
# not taken for a silent one.
REPORT_AT_LEAST_EVERY = dt.timedelta(minutes=30)
NODE_INVALID = {"node_invalid": True}


class NodeInvalid(Exception):
    """Answer ``node_invalid``: osqueryd drops its key and enrolls again."""


def install(app: FastAPI, writer: sessionmaker[Session], reader: sessionmaker[Session], queue: WriteQueue,
            settings: Settings, source: Callable[[Request], str]) -> None:
    """Add osquery's endpoints to ``app``."""

    async def read(request: Request, limit: int) -> dict[str, Any]:
        raw, encoding = await body.read_raw(request, limit)
        return bodies.parse_object(body.inflate(raw, encoding, limit))

    @app.post(f"{PREFIX}/enroll", tags=["osquery"], openapi_extra=oa.body(oa.ENROLL),
              responses=oa.answers(oa.ENROLL_ANSWER, 400, 403, 413, 415, 422, 429, 503))
    async def enroll(request: Request) -> JSONResponse:
        """osqueryd's enrollment: ``{enroll_secret, host_identifier, platform_type, host_details}``
        -> ``{node_key}``."""
        raw, encoding = await body.read_raw(request, limits.MAX_ENROLL_BYTES)
        try:
            answer = await run_in_threadpool(_enroll, writer, queue, raw, encoding, source(request), settings)
        except ApiError as exc:
            # osqueryd reads node_invalid; people read detail.
            return JSONResponse({**NODE_INVALID, "detail": exc.detail}, status_code=exc.status, headers=exc.headers)
        return JSONResponse({"node_key": answer.node_key, "node_invalid": False})

    @app.post(f"{PREFIX}/config", tags=["osquery"], openapi_extra=oa.body(oa.NODE),
              responses=oa.answers(oa.CONFIG_ANSWER, 400, 413, 415, 422, 503))
    async def config(request: Request) -> JSONResponse:
        """The schedule of ``queries/`` for an enrolled host."""
        data = await read(request, SMALL_BODY)
        return JSONResponse(await run_in_threadpool(_config, writer, reader, queue, data))

    @app.post(f"{PREFIX}/log", tags=["osquery"], openapi_extra=oa.body(oa.LOG),
              responses=oa.answers(oa.ANSWER, 400, 413, 415, 422, 423, 503))
    async def log_endpoint(request: Request) -> JSONResponse:
        """Result and status logs: ``{node_key, log_type, data: [...]}``."""
        data = await read(request, settings.max_body_bytes)
        return JSONResponse(await run_in_threadpool(_log, writer, queue, data, settings, source(request)))

    @app.post(f"{PREFIX}/distributed/read", tags=["osquery"], openapi_extra=oa.body(oa.NODE),
              responses=oa.answers(oa.READ_ANSWER, 400, 413, 415, 422, 503))
    async def distributed_read(request: Request) -> JSONResponse:
        """The inventory queries an admin asked of this host, if any: ``{queries: {name: sql}}``."""
        data = await read(request, SMALL_BODY)
        return JSONResponse(await run_in_threadpool(_distributed_read, writer, reader, queue, data))

    @app.post(f"{PREFIX}/distributed/write", tags=["osquery"], openapi_extra=oa.body(oa.WRITE),
              responses=oa.answers(oa.ANSWER, 400, 413, 415, 422, 423, 503))
    async def distributed_write(request: Request) -> JSONResponse:
        """Their answers: ``{queries: {name: [rows]}, statuses: {name: code}, messages: {name: text}}``."""
        data = await read(request, settings.max_body_bytes)
        return JSONResponse(await run_in_threadpool(_distributed_write, writer, queue, data, settings,
                                                    source(request)))


def _enroll(writer: sessionmaker[Session], queue: WriteQueue, raw: bytes, encoding: str, source: str,
            settings: Settings) -> wire.EnrollResponse:

    request = enroll_request(bodies.parse_object(body.inflate(raw, encoding, limits.MAX_ENROLL_BYTES)))
    answer = run_enrollment(writer, queue, request, source, settings)
    if answer.status == "enrolled":
        # Its first inventory at its first distributed read, not in an hour.
        with queue.turn(), writer.begin() as session:
            refresh.ask(session, answer.host_id, "enrollment", utcnow())
    return answer


def _node_key(data: dict[str, Any], where: str) -> str:
    return bodies.text(data, "node_key", where, limits.TOKEN, default="")


def _host(session: Session, node_key: str, *, lock: bool) -> Host:
    """The key's host; NodeInvalid for an unknown, revoked or denied key.
    PendingApproval passes through: each endpoint answers it its own way."""
    try:
        return enrollment.authenticate(session, node_key, lock=lock)
    except AuthError:
        raise NodeInvalid() from None


def _config(writer: sessionmaker[Session], reader: sessionmaker[Session], queue: WriteQueue,
            data: dict[str, Any]) -> dict[str, Any]:
    node_key = _node_key(data, "config")
    try:
        # Read first: osqueryd asks every --config_tls_refresh seconds, and
        # only a host that never answered needs a write.
        with reader() as session:
            host = _host(session, node_key, lock=False)
            first = not store.stored(session, host.id) and refresh.waiting(session, host.id) is None
        if first:
            # Approved after a pending enrollment, or enrolled before this
            # server spoke osquery: its first inventory at once.
            with queue.turn(), writer.begin() as session:
                refresh.ask(session, _host(session, node_key, lock=True).id, "enrollment", utcnow())
    except NodeInvalid:
        return NODE_INVALID
    except PendingApproval:
        return schedule.waiting_config()
    return schedule.config()


def _log(writer: sessionmaker[Session], queue: WriteQueue, data: dict[str, Any], settings: Settings,
         observed: str) -> dict[str, Any]:
    node_key = _node_key(data, "log")
    log_type = bodies.text(data, "log_type", "log", 32)
    if log_type not in ("result", "status"):
        raise ApiError(422, f"log.log_type: {log_type!r} is neither 'result' nor 'status'")
    items = bodies.array(data, "data", "log", results.MAX_ITEMS)
    now = utcnow()
    known = set(schedule.inventory_queries())
    # Parsed before the transaction: a bad body is refused before anything is stored.
    if log_type == "result":
        runs, others = results.parse(items, known, now, settings.max_software_items)
        lines: list[status.StatusLine] = []
    else:
        runs, others, lines = [], 0, status.parse(items, now)
    try:
        with queue.turn(), writer.begin() as session:
            host = _host(session, node_key, lock=True)
            changed = store.apply(session, host.id, runs, now)
            if lines:
                status.keep(session, host.id, lines, now)
            for line in lines:
                failed = line.failed_query(known)
                if failed and store.record_failure(session, host.id, failed[0], failed[1], line.logged_at, now):
                    changed.add(failed[0])
            _report(session, host, changed, now, observed, settings, force=False)
    except NodeInvalid:
        return NODE_INVALID
    except PendingApproval as exc:
        # osqueryd keeps the logs buffered and sends them again after approval.
        raise ApiError(423, str(exc)) from None
    if others:
        log.info("host %s: %d log items of queries that are not patchgap's ignored", host.hostname, others)
    return {"node_invalid": False}


def _distributed_read(writer: sessionmaker[Session], reader: sessionmaker[Session], queue: WriteQueue,
                      data: dict[str, Any]) -> dict[str, Any]:
    node_key = _node_key(data, "distributed.read")
    nothing = {"queries": {}, "node_invalid": False}
    try:
        # osqueryd asks every --distributed_interval seconds: only a host
        # with an inventory or a triage snapshot asked of it, or no inventory
        # received yet (one approved a moment ago), takes the write queue's turn.
        with reader() as session:
            host = _host(session, node_key, lock=False)
            stored = store.stored(session, host.id)
            triage_asked = triage_requests.pending(session, host.id) is not None
            if refresh.waiting(session, host.id) is None and stored and not triage_asked:
                return nothing
        with queue.turn(), writer.begin() as session:
            host = _host(session, node_key, lock=True)
            now = utcnow()
            if (not stored or triage_asked) and refresh.waiting(session, host.id) is None:
                refresh.ask(session, host.id, "triage" if triage_asked else "enrollment", now)
            platform = assemble.platform_of(stored) or _platform(host)
            queries = refresh.hand_out(session, host.id, platform, now)
            if queries and triage_asked:
                # With the inventory refresh, so it goes out again only as that does.
                queries.update(triage.to_hand_out(platform))
            return {"queries": queries, "node_invalid": False}
    except NodeInvalid:
        return NODE_INVALID
    except PendingApproval:
        return nothing


def _platform(host: Host) -> str | None:
    """The platform the host's last report named (the collector's word for it)."""
    if not host.platform:
        return None
    return host.platform if host.platform in ("windows", "darwin") else "linux"


def _failure(name: str, code: int, messages: dict[str, Any]) -> str:
    message = messages.get(name)
    return message if isinstance(message, str) and message else f"osquery status {code}"


def _distributed_write(writer: sessionmaker[Session], queue: WriteQueue, data: dict[str, Any], settings: Settings,
                       observed: str) -> dict[str, Any]:
    node_key = _node_key(data, "distributed.write")
    answers = bodies.obj(data, "queries", "distributed.write", required=True)
    statuses = bodies.obj(data, "statuses", "distributed.write")
    messages = bodies.obj(data, "messages", "distributed.write")
    now = utcnow()
    known = set(schedule.inventory_queries())
    runs: list[results.Result] = []
    failures: dict[str, str] = {}
    triage_rows: dict[str, list[dict[str, str]]] = {}
    # A query that failed before its rows were gathered is named only in statuses.
    for name in [*answers, *(name for name in statuses if name not in answers)]:
        ours, is_triage = name in known, name.startswith(triage.PREFIX)
        if not (ours or is_triage):
            continue
        code = bodies.whole(statuses.get(name, 0), f"distributed.write.statuses.{name}")
        if code:
            failures[name] = _failure(name, code, messages)
        elif is_triage:
            # Shaped like the collector's upload (cells cleaned and cut), never refused for a cell.
            rows = answers[name] if isinstance(answers[name], list) else []
            triage_rows[name] = [bodies.loose_row(row) for row in rows]
        elif name in answers:
            rows = bodies.rows(answers[name], f"distributed.write.queries.{name}", settings.max_software_items)
            runs.append(results.Result(name, now, snapshot=rows, off_schedule=True))
    try:
        with queue.turn(), writer.begin() as session:
            host = _host(session, node_key, lock=True)
            changed = store.apply(session, host.id, runs, now)
            for name, error in sorted(failures.items()):
                if name in known and store.record_failure(session, host.id, name, error, now, now):
                    changed.add(name)
            refresh.done(session, host.id)
            _report(session, host, changed, now, observed, settings, force=True)
            _store_triage(session, host, triage_rows, failures, now)
    except NodeInvalid:
        return NODE_INVALID
    except PendingApproval as exc:
        raise ApiError(423, str(exc)) from None
    return {"node_invalid": False}


def _store_triage(session: Session, host: Host, rows: dict[str, list[dict[str, str]]], failures: dict[str, str],
                  now: dt.datetime) -> None:
    """Keep the triage snapshot the answers carry, when one is still asked of the host."""
    upload = triage.upload(rows, {k: v for k, v in failures.items() if k.startswith(triage.PREFIX)}, host.uuid, now)
    if upload is None or triage_requests.pending(session, host.id) is None:
        return
    snapshot = snapshots.store(session, host, upload, now, now)
    log.info("triage snapshot of %s through osquery: %d results", host.hostname, len(snapshot.results))


def _report(session: Session, host: Host, changed: set[str], now: dt.datetime, observed: str, settings: Settings,
            *, force: bool) -> None:
    """Apply the host's assembled report when something changed, an admin
    asked, or the host has not reported for a while."""
    due = host.last_report_at is None or now - host.last_report_at >= REPORT_AT_LEAST_EVERY
    if not (changed or force or due):
        return
    try:
        assembly = assemble.assemble(store.stored(session, host.id))
    except SourceFailed as exc:
        log.warning("host %s: no report from its osquery results: %s", host.hostname, exc)
        return
    if assembly.report is None:
        log.info("host %s: waiting for osquery results of %s", host.hostname, ", ".join(assembly.missing))
        return
    report = assembly.report
    if report.host.uuid != host.uuid:
        # The node key of another machine (a cloned disk image): this PC must
        # enroll as itself. Nothing of this request is stored.
        log.warning("node key of host %s (%s) used by a machine with uuid %s: told to enroll again",
                    host.hostname, host.uuid, report.host.uuid)
        raise NodeInvalid()
    bad = validate.check_limits(report, "Report")
    if bad:
        raise ApiError(422, f"the inventory assembled from osquery's results: {bad}")
    if len(report.software) > settings.max_software_items:
        raise ApiError(413, f"{len(report.software)} software items exceed the limit of {settings.max_software_items}")
    try:
        accepted = apply_report(session, host, report, now, observed)
    except InvalidInput as exc:
        raise ApiError(422, str(exc)) from None
    log.info("osquery report of %s: %d software added, %d removed, %d findings open", host.hostname,
             accepted.software_added, accepted.software_removed, accepted.findings_open)
