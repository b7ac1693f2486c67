"""Read a request body within limits: size before and after gunzip, JSON
syntax, text encoding. Each failure is an HTTP error with a clear reason."""
from __future__ import annotations

import json
import zlib
from typing import Any

from fastapi import HTTPException, Request


async def read_json(request: Request, limit: int) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body of {declared} bytes exceeds the limit of {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw, limit)
    elif encoding not in ("", "identity"):
        raise HTTPException(415, f"unsupported Content-Encoding {encoding!r} (use gzip or none)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"body is not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise HTTPException(400, "body is nested too deeply") from None


def _gunzip(raw: bytes, limit: int) -> bytes:
    # A gzip bomb stops at the limit instead of filling memory.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise HTTPException(400, f"body is not valid gzip: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise HTTPException(413, f"decompressed body exceeds the limit of {limit} bytes")
    if not inflater.eof:
        raise HTTPException(400, "gzip body is truncated")
    return out
