"""Read a request body within limits. Reading is async and bounded (the
socket is drained only up to the limit); inflating runs later in a worker
thread with the parsing, so a large body never stalls the event loop."""
from __future__ import annotations

import zlib

from fastapi import Request

from server.api.problems import ApiError


async def read_raw(request: Request, limit: int) -> tuple[bytes, str]:
    """(body bytes as sent, content encoding), refusing more than ``limit`` bytes."""
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("gzip", "", "identity"):
        raise ApiError(415, f"unsupported Content-Encoding {encoding!r} (use gzip or none)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"body of {declared} bytes exceeds the limit of {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks), encoding


def inflate(raw: bytes, encoding: str, limit: int) -> bytes:
    """The body as JSON bytes: gunzipped when sent gzip, strictly (one member,
    nothing after it) and never beyond ``limit`` bytes (a gzip bomb stops there)."""
    if encoding != "gzip":
        return raw
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise ApiError(400, f"body is not valid gzip: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ApiError(413, f"decompressed body exceeds the limit of {limit} bytes")
    if not inflater.eof:
        raise ApiError(400, "gzip body is truncated")
    if inflater.unused_data:
        raise ApiError(400, f"{len(inflater.unused_data)} bytes follow the gzip member (one gzip member only)")
    return out
