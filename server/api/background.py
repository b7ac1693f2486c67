"""Run the API on a loopback port inside this process, for as long as a
``with`` block lasts (``patchgap demo`` uses it; so can scripts)."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI, host: str = "127.0.0.1", port: int | None = None, timeout: float = 15.0) -> Iterator[str]:
    """Yield the base URL while the app serves on ``host:port``."""
    port = port or free_port(host)
    # NOTE: uvicorn believes X-Forwarded-For from 127.0.0.1 by default; the app
    # decides which proxies to trust (--trusted-proxy), so uvicorn must not.
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                                           proxy_headers=False))
    thread = threading.Thread(target=server.run, name="patchgap-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the API did not start on {host}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
