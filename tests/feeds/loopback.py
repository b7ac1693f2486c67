"""Feed sources served over real HTTP on 127.0.0.1: fixed answers per request
path (raw, as the client sent it: ``%2e%2e`` stays ``%2e%2e``), and a CSAF
provider built from the project's own fixture document."""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

METADATA = ".well-known/csaf/provider-metadata.json"
Answer = bytes | Callable[[], bytes]


@dataclass
class Site:
    """What the server answers (path -> body) and the paths it was asked for."""

    base: str = ""
    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def add_document(self, path: str, data: Answer, digest_of: bytes | None = None) -> None:
        """A document and its ``.sha256`` file (of ``digest_of``, default ``data``)."""
        hashed = digest_of if digest_of is not None else data
        assert isinstance(hashed, bytes), "give digest_of for a document answered by a callable"
        self.routes[path] = data
        self.routes[path + ".sha256"] = f"{hashlib.sha256(hashed).hexdigest()}  {path.rsplit('/', 1)[-1]}\n".encode()


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.site.requests.append(self.path)
        answer = self.site.routes.get(urlsplit(self.path).path)
        body = answer() if callable(answer) else answer
        self.send_response(404 if body is None else 200)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """No request log on stderr."""


@contextmanager
def serve(site: Site | None = None) -> Iterator[Site]:
    """Serve ``site`` on 127.0.0.1 until the block ends."""
    site = site or Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"site": site}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def csaf_provider(site: Site, index: list[str]) -> str:
    """Provider metadata with one directory distribution (``/white/``) whose
    ``index.txt`` lists ``index``; returns the metadata URL."""
    url = f"{site.base}/{METADATA}"
    site.routes[f"/{METADATA}"] = json.dumps({
        "canonical_url": url, "distributions": [{"directory_url": f"{site.base}/white/"}],
        "last_updated": "2024-10-03T16:03:00Z", "list_on_CSAF_aggregators": False, "metadata_version": "2.0",
        "publisher": {"category": "vendor", "name": "test provider", "namespace": "https://psirt.example.com"},
        "role": "csaf_provider"}).encode()
    site.routes["/white/index.txt"] = "".join(f"{line}\n" for line in index).encode()
    return url


def tiny_csaf(fixtures_dir: Path) -> bytes:
    """The project's own one-advisory CSAF document (PG-TINY-2024-0001)."""
    return (fixtures_dir / "csaf" / "pg-tiny-2024-0001.json").read_bytes()
