"""``POST /api/v1/report/delta``: a report told as what changed since the
host's last applied report (see :class:`collector.wire.ReportDelta`).

Validated as strictly as a full report: the delta's own body and limits
first, then the full report it amounts to (the software limit, its date),
before anything is stored. A delta on another base is answered 409 with
``type`` ``full_report_required`` and changes nothing.
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

from collector import wire
from server.api import body, identity, validate
from server.api.openapi import request_body, success
from server.api.problems import ApiError, responses
from server.api.writers import WriteQueue
from server.errors import InvalidInput
from server.inventory.delta import FullReportRequired, rebuild
from server.inventory.service import apply_report
from server.settings import Settings

log = logging.getLogger("patchgap.api")
PATH = "/api/v1/report/delta"

FULL_REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "type": {"type": "string", "enum": [wire.FULL_REPORT_REQUIRED]}},
    "required": ["detail", "type"],
}
FULL_REPORT_ANSWER = {
    409: {"description": "The delta's base is not the host's last applied report (or it removes what that report "
                         "does not hold): nothing was stored; send the full report to /api/v1/report.",
          "content": {"application/json": {"schema": FULL_REPORT_SCHEMA}}},
}


def install(app: FastAPI, writer: sessionmaker[Session], reader: sessionmaker[Session], queue: WriteQueue,
            settings: Settings, source: Callable[[Request], str]) -> None:

    @app.post(PATH, openapi_extra=request_body(wire.ReportDelta),
              responses={**success(wire.ReportAccepted), **responses(400, 401, 413, 415, 422, 423, 503),
                         **FULL_REPORT_ANSWER},
              response_model=None)
    async def report_delta(request: Request) -> Any:
        node_key = identity.bearer(request.headers.get("authorization", ""))
        await run_in_threadpool(identity.authenticate, reader, node_key)
        raw, encoding = await body.read_raw(request, settings.max_body_bytes)
        try:
            accepted = await run_in_threadpool(receive_delta, writer, queue, node_key, raw, encoding, settings,
                                               source(request))
        except FullReportRequired as exc:
            return JSONResponse({"detail": str(exc), "type": wire.FULL_REPORT_REQUIRED}, status_code=409)
        return wire.to_dict(accepted)


def check_delta(delta: wire.ReportDelta, now: dt.datetime) -> None:
    """What the types cannot say about a delta (the rebuilt report is checked too)."""
    if delta.wire_version != wire.WIRE_VERSION:
        raise ApiError(422, f"wire_version {delta.wire_version} not supported (server speaks {wire.WIRE_VERSION})")
    if not delta.host_uuid.strip():
        raise ApiError(422, "ReportDelta.host_uuid is empty")
    if delta.host is not None and delta.host.uuid != delta.host_uuid:
        raise ApiError(422, f"ReportDelta.host.uuid {delta.host.uuid!r} is not its host_uuid {delta.host_uuid!r}")
    if not delta.base_report_id.strip():
        raise ApiError(422, "ReportDelta.base_report_id is empty")
    validate.collected_at(delta.collected_at, now, "ReportDelta")


def receive_delta(writer: sessionmaker[Session], queue: WriteQueue, node_key: str, raw: bytes, encoding: str,
                  settings: Settings, observed: str) -> wire.ReportAccepted:

    delta = validate.parse(wire.ReportDelta, body.inflate(raw, encoding, settings.max_body_bytes))
    now = identity.utcnow()
    check_delta(delta, now)
    with queue.turn(), writer.begin() as session:
        host = identity.host_of(session, node_key, lock=True)
        if host.uuid != delta.host_uuid:
            raise ApiError(422, f"delta is for host {delta.host_uuid!r} but the node key belongs to {host.uuid!r}")
        report = rebuild(session, host, delta)
        validate.check_report(report, settings.max_software_items, now)
        try:
            accepted = apply_report(session, host, report, now, observed)
        except InvalidInput as exc:
            raise ApiError(422, str(exc)) from None
        log.debug("delta of %s on %s: +%d -%d software", host.hostname, delta.base_report_id,
                  len(delta.software_added), len(delta.software_removed))
        return accepted
