"""Schemathesis against the served OpenAPI schema, over real HTTP on loopback,
on SQLite and PostgreSQL: whatever a client sends that the schema describes
(positive) or contradicts (negative), the API never answers 5xx.

Run once without credentials and once with a real enrolled node key (and the
real enroll secret), where report bodies are also pinned, some of the time,
to the enrolled host and a plausible date so they reach the storage code
instead of stopping at authentication or validation.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.reports import debian_host
from tests.server.test_api import enroll_host

# Per operation and generation mode; both modes together make 2x this.
EXAMPLES = 60
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # 5xx are collected and reported together, not raised: no shrinking.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Run /api/v1/report before /api/v1/enroll: enrolling the host again (as
# the authenticated run does) may leave its key pending approval.
ORDER = {"GET /api/v1/health": 0, "POST /api/v1/report": 1, "POST /api/v1/enroll": 2}


class _Collect(logging.Handler):
    """Error records: uvicorn's tracebacks of unhandled exceptions, the
    app's own database errors (its 503s)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.tracebacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.tracebacks.append(logging.Formatter().format(record))


def _plausible(value: Any) -> Any:
    """``value`` within the limits the server checks beyond the schema: no
    NUL in texts, integers in 0..2^63-1."""
    if isinstance(value, dict):
        return {key: _plausible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plausible(item) for item in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) % 2**63
    return value


def _pin(case: schemathesis.Case, identity: dict[str, str], draw: Any) -> None:
    """Some of the time, make a generated body one the server accepts far
    enough to store: for the enrolled host with a current date (report), or
    with the real enroll secret (enroll)."""
    if not isinstance(case.body, dict) or not draw(st.booleans()):
        return
    body = _plausible(case.body)
    body["wire_version"] = 1
    if case.path == "/api/v1/report":
        if isinstance(body.get("host"), dict):
            body["host"]["uuid"] = identity["uuid"]
        body["collected_at"] = dt.datetime.now(dt.timezone.utc).isoformat()
    elif case.path == "/api/v1/enroll":
        body["enroll_secret"] = identity["secret"]
        if draw(st.booleans()):
            body["host_uuid"] = identity["uuid"]
    case.body = body


def _has_input(operation: schemathesis.APIOperation) -> bool:
    return bool(list(operation.body) or list(operation.iter_parameters()))


@pytest.mark.postgres
@pytest.mark.parametrize("auth", ["anonymous", "node-key"])
def test_no_input_makes_the_api_answer_5xx(api: str, secret: str, auth: str) -> None:
    schema = schemathesis.openapi.from_url(f"{api}/openapi.json", timeout=30)
    headers: dict[str, str] = {}
    identity: dict[str, str] = {}
    if auth == "node-key":
        report = debian_host()
        with httpx.Client(base_url=api, timeout=30) as client:
            key = enroll_host(client, secret, report)
        headers = {"Authorization": f"Bearer {key}"}
        identity = {"uuid": report.host.uuid, "secret": secret}

    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: ORDER.get(f"{op.method.upper()} {op.path}", 99),
    )
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= set(ORDER)

    # uvicorn logs unhandled exceptions, the app its 503s.
    loggers = [logging.getLogger("uvicorn.error"), logging.getLogger("patchgap.api")]
    collect = _Collect()
    for logger in loggers:
        logger.addHandler(collect)
    failures: list[str] = []
    statuses: Counter[tuple[str, int]] = Counter()
    started = time.monotonic()
    try:
        for operation in operations:
            for mode in MODES:
                if mode.is_negative and not _has_input(operation):
                    continue  # nothing to get wrong: GET /api/v1/health
                strategy = operation.as_strategy(generation_mode=mode)

                @SETTINGS
                @given(case=strategy, data=st.data())
                def run(case: schemathesis.Case, data: st.DataObject) -> None:
                    if identity and mode.is_positive:
                        _pin(case, identity, data.draw)
                    response = case.call(base_url=api, headers=headers, timeout=30)
                    statuses[(f"{case.method} {case.path}", response.status_code)] += 1
                    if response.status_code >= 500:
                        failures.append(
                            f"{response.status_code} for {case.method} {case.path} ({mode.value}, {auth})\n"
                            f"  headers: {dict(response.request.headers)}\n"
                            f"  body: {response.request.body!r:.2000}\n"
                            f"  answer: {response.text_lossy()[:500]}\n"
                            f"  reproduce: {case.as_curl_command(headers=headers)}"
                        )

                run()
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    elapsed = time.monotonic() - started

    assert not failures, (
        f"{len(failures)} responses >= 500 in {elapsed:.1f}s:\n\n" + "\n\n".join(failures[:10])
        + "\n\nserver tracebacks:\n\n" + "\n\n".join(collect.tracebacks[:5])
    )
    # Every operation was exercised, and with the node key some reports were stored.
    assert all(any(key[0] == name for key in statuses) for name in ORDER), statuses
    if auth == "node-key":
        assert statuses[("POST /api/v1/report", 200)] > 0, statuses
