"""An ASGI wrapper that logs each request the API answers: its path, status
and body size in bytes as they came over the wire (gzip as sent). Tests and
bench.collector_footprint read from it what a collector sent."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Logged:
    path: str
    status: int
    body_bytes: int


class RequestLog:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[Logged] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        size, status = 0, 0

        async def counted() -> dict[str, Any]:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
            return message

        logged = False

        async def seen(message: dict[str, Any]) -> None:
            nonlocal status, logged
            if message["type"] == "http.response.start":
                status = message["status"]
            if message["type"] == "http.response.body" and not message.get("more_body", False) and not logged:
                # Logged before the last of the answer goes out: a client that
                # has its answer finds its request in the log (no race).
                self.requests.append(Logged(scope["path"], status, size))
                logged = True
            await send(message)

        await self.app(scope, counted, seen)
        if not logged:  # no answer body was sent (the app failed)
            self.requests.append(Logged(scope["path"], status, size))

    def since(self, mark: int) -> list[Logged]:
        return self.requests[mark:]
