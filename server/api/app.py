"""The FastAPI application factory. Nothing is built at import time.

Each request reads its body on the event loop (bounded), then inflates,
parses and stores it in the thread pool, so one large report never stalls
health checks or other uploads.
"""
from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from collector import limits, wire
from server.api import body, client_address, identity, validate
from server.api.writers import WriteQueue, write_queue
from server.api.openapi import install_openapi, request_body, success
from server.api.problems import ApiError, responses
from server.db.engine import make_engine, make_reader, make_sessionmaker
from server.errors import InvalidInput
from server.inventory.service import apply_report
from server.triage import snapshots
from server.settings import Settings

log = logging.getLogger("patchgap.api")
HEALTH_TIMEOUT = 5.0


def health_probe(engine: Engine):  # type: ignore[no-untyped-def]
    """A check that opens its own connection (outside the pool) and asks the
    database one trivial question."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    own = create_engine(engine.url, poolclass=NullPool)

    def probe() -> None:
        with own.connect() as connection:
            connection.execute(text("SELECT 1"))

    return probe


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    engine = engine or make_engine(settings.database_url)
    writer, reader = make_sessionmaker(engine), make_reader(engine)
    queue = write_queue(engine.dialect.name)
    probe = health_probe(engine)
    proxies = client_address.networks(settings.trusted_proxies)

    def source(request: Request) -> str:
        peer = request.client.host if request.client else ""
        return client_address.client_address(peer, request.headers.get("x-forwarded-for", ""), proxies)

    app = FastAPI(title="patchgap", version=str(wire.WIRE_VERSION), docs_url=None, redoc_url=None)
    app.state.settings, app.state.engine, app.state.sessions = settings, engine, writer

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error: %s", exc.orig)
        return JSONResponse({"detail": "database unavailable, retry later"}, status_code=503)

    @app.get("/api/v1/health", responses=responses(503))
    async def health() -> JSONResponse:
        # Its own thread and connection: a health check must answer while
        # every worker thread and pooled connection is busy with uploads.
        try:
            await asyncio.wait_for(asyncio.to_thread(probe), HEALTH_TIMEOUT)
        except (asyncio.TimeoutError, OperationalError):
            return JSONResponse({"detail": "database unavailable, retry later"}, status_code=503)
        return JSONResponse({"status": "ok", "wire_version": wire.WIRE_VERSION})

    @app.post("/api/v1/enroll", openapi_extra=request_body(wire.EnrollRequest),
              responses={**success(wire.EnrollResponse, 202), **responses(400, 403, 413, 415, 422, 429, 503)},
              response_model=None)
    async def enroll(request: Request) -> JSONResponse:
        raw, encoding = await body.read_raw(request, limits.MAX_ENROLL_BYTES)
        answer = await run_in_threadpool(_enroll, writer, queue, raw, encoding, source(request), settings)
        return JSONResponse(wire.to_dict(answer), status_code=202 if answer.status == "pending" else 200)

    @app.post("/api/v1/report", openapi_extra=request_body(wire.Report),
              responses={**success(wire.ReportAccepted), **responses(400, 401, 413, 415, 422, 423, 503)},
              response_model=None)
    async def report(request: Request) -> dict[str, object]:
        node_key = identity.bearer(request.headers.get("authorization", ""))
        # Authenticate before reading a possibly large body.
        await run_in_threadpool(identity.authenticate, reader, node_key)
        raw, encoding = await body.read_raw(request, settings.max_body_bytes)
        accepted = await run_in_threadpool(_receive_report, writer, queue, node_key, raw, encoding, settings,
                                           source(request))
        return wire.to_dict(accepted)

    @app.post("/api/v1/triage", openapi_extra=request_body(wire.TriageUpload),
              responses={**success(wire.TriageStored), **responses(400, 401, 409, 413, 415, 422, 423, 503)},
              response_model=None)
    async def triage(request: Request) -> dict[str, object]:
        node_key = identity.bearer(request.headers.get("authorization", ""))
        # A host nobody asked gets its 409 before a byte of the body is read.
        await run_in_threadpool(identity.authenticate, reader, node_key, True)
        raw, encoding = await body.read_raw(request, limits.MAX_TRIAGE_BYTES)
        stored = await run_in_threadpool(_receive_triage, writer, queue, node_key, raw, encoding)
        return wire.to_dict(stored)

    from server.osquery_remote import routes as osquery_routes  # it reuses this module's enrollment

    osquery_routes.install(app, writer, reader, queue, settings, source)
    from server.api import delta_route  # it reuses this module's authentication

    delta_route.install(app, writer, reader, queue, settings, source)
    install_openapi(app)
    return app


def _enroll(writer: sessionmaker[Session], queue: WriteQueue, raw: bytes, encoding: str, source: str,
            settings: Settings) -> wire.EnrollResponse:
    request = validate.parse(wire.EnrollRequest, body.inflate(raw, encoding, limits.MAX_ENROLL_BYTES))
    validate.check_enroll(request)
    return identity.run_enrollment(writer, queue, request, source, settings)


def _receive_report(writer: sessionmaker[Session], queue: WriteQueue, node_key: str, raw: bytes, encoding: str,
                    settings: Settings, observed: str) -> wire.ReportAccepted:
    report = validate.parse(wire.Report, body.inflate(raw, encoding, settings.max_body_bytes))
    now = identity.utcnow()
    validate.check_report(report, settings.max_software_items, now)
    with queue.turn(), writer.begin() as session:
        host = identity.host_of(session, node_key, lock=True)
        if host.uuid != report.host.uuid:
            raise ApiError(422, f"report is for host {report.host.uuid!r} but the node key belongs to {host.uuid!r}")
        try:
            return apply_report(session, host, report, now, observed)
        except InvalidInput as exc:
            raise ApiError(422, str(exc)) from None


def _receive_triage(writer: sessionmaker[Session], queue: WriteQueue, node_key: str, raw: bytes,
                    encoding: str) -> wire.TriageStored:
    upload = validate.parse(wire.TriageUpload, body.inflate(raw, encoding, limits.MAX_TRIAGE_BYTES))
    now = identity.utcnow()
    collected = validate.check_triage(upload, now)
    with queue.turn(), writer.begin() as session:
        host = identity.host_of(session, node_key, lock=True)
        if host.uuid != upload.host_uuid:
            raise ApiError(422, f"triage snapshot is for host {upload.host_uuid!r} but the node key belongs to "
                                f"{host.uuid!r}")
        try:
            snapshot = snapshots.store(session, host, upload, collected, now)
        except snapshots.NotRequested as exc:
            raise ApiError(409, str(exc)) from None
        log.info("triage snapshot of %s: %d results, %d skipped", host.hostname, len(upload.results),
                 len(upload.skipped))
        return wire.TriageStored(stored=len(snapshot.results))
