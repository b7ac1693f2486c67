"""The API's error answers: one exception for "answer this status with this
reason", and the documented set of them (served in the OpenAPI schema)."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Answer ``status`` with ``{"detail": detail}`` (and ``headers``)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

WHY: dict[int, str] = {
    400: "The body is not JSON, not UTF-8, or not valid gzip (one member, nothing after it).",
    401: "Missing, malformed, unknown or revoked node key: enroll again.",
    403: "Unknown or revoked enroll secret.",
    413: "The body, once inflated, or one of its lists is larger than the server accepts.",
    409: "No triage snapshot was asked of this host (a botnet list names it, or an admin asked): nothing to upload.",
    415: "Content-Encoding other than gzip or identity.",
    422: "The body does not match the wire format: a type, a limit, a date, or a body for another host.",
    423: "The enrollment of this node key awaits an admin's approval: keep the report and retry later.",
    429: "Too many enrollment attempts from this address or with this secret: retry after Retry-After seconds.",
    503: "The database is unavailable: retry later.",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error codes."""
    return {
        code: {"description": WHY[code], "content": {"application/json": {"schema": ERROR_SCHEMA}}}
        for code in codes
    }
