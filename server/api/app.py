"""The FastAPI application factory. Nothing is built at import time."""
from __future__ import annotations

import datetime as dt
import logging
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from collector import wire
from server.api import body, validate
from server.db.engine import make_engine, make_sessionmaker
from server.errors import AuthError, InvalidInput
from server.inventory import enroll as enrollment
from server.inventory.service import apply_report
from server.settings import Settings

log = logging.getLogger("patchgap.api")
ENROLL_BODY_LIMIT = 64 * 1024
# Two collectors creating the same new software row at once collide on its
# unique key; the loser simply retries its whole transaction.
RETRIES = 3


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    engine = engine or make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    app = FastAPI(title="patchgap", version=str(wire.WIRE_VERSION), docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error: %s", exc.orig)
        return JSONResponse({"detail": "database unavailable, retry later"}, status_code=503)

    @app.get("/api/v1/health")
    def health() -> dict[str, object]:
        with sessions() as session:
            session.connection()
        return {"status": "ok", "wire_version": wire.WIRE_VERSION}

    @app.post("/api/v1/enroll")
    async def enroll(request: Request) -> dict[str, object]:
        data = await body.read_json(request, ENROLL_BODY_LIMIT)
        enroll_request = validate.parse(wire.EnrollRequest, data, settings.max_string_length)
        try:
            response = await run_in_threadpool(_enroll, sessions, enroll_request)
        except AuthError as exc:
            raise HTTPException(403, str(exc)) from None
        except InvalidInput as exc:
            raise HTTPException(422, str(exc)) from None
        log.info("enrolled host %s (%s)", enroll_request.hostname, enroll_request.host_uuid)
        return wire.to_dict(response)

    @app.post("/api/v1/report")
    async def report(request: Request) -> dict[str, object]:
        node_key = _bearer(request.headers.get("authorization", ""))
        # Authenticate before reading a possibly large body.
        await run_in_threadpool(_authenticate, sessions, node_key)
        data = await body.read_json(request, settings.max_body_bytes)
        parsed = validate.parse(wire.Report, data, settings.max_string_length)
        validate.check_report(parsed, settings.max_software_items)
        # Database work runs in the thread pool, so one large report never
        # stalls the event loop (health checks, other uploads).
        return wire.to_dict(await run_in_threadpool(_store_report, sessions, node_key, parsed))

    return app


def _enroll(sessions: sessionmaker[Session], request: wire.EnrollRequest) -> wire.EnrollResponse:
    with sessions.begin() as session:
        node_key, host = enrollment.enroll(session, request)
        return wire.EnrollResponse(node_key=node_key, host_id=host.id, unit=host.unit.name)


def _authenticate(sessions: sessionmaker[Session], node_key: str) -> None:
    with sessions() as session:
        try:
            enrollment.authenticate(session, node_key)
        except AuthError as exc:
            raise HTTPException(401, str(exc)) from None


def _bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "missing 'Authorization: Bearer <node key>'")
    return token.strip()


def _store_report(sessions: sessionmaker[Session], node_key: str, report: wire.Report) -> wire.ReportAccepted:
    for attempt in range(RETRIES):
        try:
            with sessions.begin() as session:
                host = enrollment.authenticate(session, node_key)
                if host.uuid != report.host.uuid:
                    raise HTTPException(
                        422, f"report is for host {report.host.uuid!r} but the node key belongs to {host.uuid!r}"
                    )
                return apply_report(session, host, report, dt.datetime.now(dt.timezone.utc))
        except AuthError as exc:
            raise HTTPException(401, str(exc)) from None
        except IntegrityError:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")
