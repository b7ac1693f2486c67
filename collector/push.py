"""Talking to the server (see :mod:`collector.wire` for the contract).

Enrollment trades the enroll secret for a node key, kept in the state dir
(mode 0600). Reports (and triage snapshots, when the server asks for one) go
as gzip JSON with ``Authorization: Bearer``. Errors
become ours: connection problems, timeouts, 5xx (and 408/429) are
:class:`ServerUnreachable` (try later); other 4xx are :class:`ServerRejected`.
"""
from __future__ import annotations

import gzip
import logging
import ssl
from pathlib import Path
from typing import Any

import httpx

import collector
from collector import wire
from collector.errors import ConfigError, ServerRejected, ServerUnreachable
from collector.i18n import text
from collector.spool import write_private

log = logging.getLogger(__name__)

ENROLL_PATH = "/api/v1/enroll"
REPORT_PATH = "/api/v1/report"
DELTA_PATH = "/api/v1/report/delta"
TRIAGE_PATH = "/api/v1/triage"
NODE_KEY_FILE = "node_key"
ACCEPTED_FIELDS = ("host_id", "software_added", "software_removed", "findings_open")
# 4xx that mean "not now", not "never" (423: enrollment awaits an admin's approval).
RETRY_LATER = frozenset({408, 423, 425, 429})


def encode_report(report: wire.Report | wire.TriageUpload) -> bytes:
    """The request body for ``report``: gzip of its wire JSON (mtime 0: same report, same bytes)."""
    return gzip.compress(wire.dumps(report), mtime=0)


def make_client(*, ca_cert: str = "", insecure: bool = False, timeout: float = 30.0) -> httpx.Client:
    """An httpx client honouring ``--ca-cert`` (extra trusted CA file) and ``--insecure``."""
    verify: bool | ssl.SSLContext = True
    if insecure:
        verify = False
    elif ca_cert:
        try:
            verify = ssl.create_default_context(cafile=ca_cert)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError.of("ca_cert_unloadable", path=ca_cert, error=exc) from exc
    headers = {"User-Agent": f"patchgap-collector/{collector.__version__}"}
    return httpx.Client(verify=verify, timeout=timeout, headers=headers, follow_redirects=False)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", "")
    except (ValueError, AttributeError):
        detail = ""
    return str(detail or response.text[:300] or response.reason_phrase)


def _post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> Any:
    """POST and return the decoded JSON answer, or raise one of our errors."""
    try:
        response = client.post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except httpx.HTTPError as exc:  # connect, TLS, timeout, protocol errors
        raise ServerUnreachable.of("server_unreachable", url=url, error=exc or type(exc).__name__) from exc
    status = response.status_code
    if status >= 500 or status in RETRY_LATER:
        raise ServerUnreachable.of("server_answered", url=url, status=status, detail=_detail(response))
    if 300 <= status < 400:
        raise ConfigError.of("server_redirects", url=url, location=response.headers.get("location", "?"))
    if status >= 400:
        raise ServerRejected(status, _detail(response))
    try:
        return response.json()
    except ValueError as exc:  # a captive portal or proxy page, not our API
        raise ServerUnreachable.of("server_not_patchgap", url=url, status=status) from exc


def request_enrollment(client: httpx.Client, server: str, secret: str, host: wire.HostInfo,
                       current_key: str = "") -> wire.EnrollResponse:
    """POST /api/v1/enroll; the server's answer. ``current_key``, the node key
    held so far, proves this is the same host (else an admin must approve)."""
    request = wire.EnrollRequest(enroll_secret=secret, host_uuid=host.uuid, hostname=host.hostname,
                                 node_key=current_key)
    data = _post(client, server + ENROLL_PATH, wire.dumps(request), {})
    try:
        return wire.EnrollResponse(
            node_key=str(data["node_key"]), host_id=int(data["host_id"]), unit=str(data.get("unit", "")),
            status=str(data.get("status", "enrolled")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ServerUnreachable.of("enroll_bad_answer", server=server, error=exc) from exc


def enroll(server: str, secret: str, host: wire.HostInfo, *, ca_cert: str = "", insecure: bool = False) -> str:
    """Enroll ``host`` with ``server`` using ``secret``; returns the node key."""
    with make_client(ca_cert=ca_cert, insecure=insecure) as client:
        return request_enrollment(client, server, secret, host).node_key


class Pusher:
    """One server connection with the node key kept in ``state_dir``."""

    def __init__(
        self, server: str, *, state_dir: Path, host: wire.HostInfo, enroll_secret: str = "",
        unit: str = "", ca_cert: str = "", insecure: bool = False, timeout: float = 30.0,
    ) -> None:
        self.server, self.host, self.enroll_secret, self.unit = server, host, enroll_secret, unit
        self.key_file = Path(state_dir) / NODE_KEY_FILE
        self.client = make_client(ca_cert=ca_cert, insecure=insecure, timeout=timeout)
        self._reenrolled = False

    def __enter__(self) -> Pusher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def enroll(self) -> str:
        """Enroll now and store the node key (0600; on Windows no ACL is set yet)."""
        if not self.enroll_secret:
            raise ConfigError.of("not_enrolled")
        answer = request_enrollment(self.client, self.server, self.enroll_secret, self.host, self._stored_key())
        write_private(self.key_file, answer.node_key.encode("utf-8") + b"\n")
        if answer.status == "pending":
            log.warning("%s", text("enroll_pending", server=self.server))
        # NOTE: wire.EnrollRequest has no unit; the server picks it from the secret.
        if self.unit and answer.unit and answer.unit != self.unit:
            log.warning("%s", text("enroll_other_unit", unit=answer.unit, wanted=self.unit))
        log.info("%s", text("enrolled", server=self.server, host_id=answer.host_id, unit=answer.unit or "-"))
        return answer.node_key

    def _stored_key(self) -> str:
        try:
            return self.key_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def node_key(self) -> str:
        """The stored node key, enrolling first when there is none."""
        return self._stored_key() or self.enroll()

    def send_body(self, body: bytes) -> wire.ReportAccepted:
        """POST one gzip report body; on 401 enroll again once (if a secret is set) and retry."""
        try:
            return self._post_report(self.node_key(), body)
        except ServerRejected as exc:
            if exc.status != 401 or not self.enroll_secret or self._reenrolled:
                raise
        self._reenrolled = True
        log.warning("%s", text("node_key_refused"))
        try:
            key = self.enroll()
        except ServerRejected as exc:
            raise ServerRejected(401, text("reenroll_failed", error=exc)) from exc
        return self._post_report(key, body)

    def send_delta(self, body: bytes) -> wire.ReportAccepted:
        """POST one gzip delta body (:class:`wire.ReportDelta`) with the stored node key.
        ServerRejected when the server wants the full report instead (409; 404
        from a server without deltas) or refuses the key: send the full report then."""
        return self._post_report(self.node_key(), body, DELTA_PATH)

    def send(self, report: wire.Report) -> wire.ReportAccepted:
        """Send ``report`` (gzip JSON)."""
        return self.send_body(encode_report(report))

    def send_triage(self, upload: wire.TriageUpload) -> int:
        """POST a triage snapshot with the stored node key; how many results the server kept."""
        headers = {"Authorization": f"Bearer {self._stored_key()}", "Content-Encoding": "gzip"}
        data = _post(self.client, self.server + TRIAGE_PATH, encode_report(upload), headers)
        try:
            return int(data["stored"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ServerUnreachable.of("triage_bad_answer", server=self.server, error=exc) from exc

    def _post_report(self, key: str, body: bytes, path: str = REPORT_PATH) -> wire.ReportAccepted:
        headers = {"Authorization": f"Bearer {key}", "Content-Encoding": "gzip"}
        data = _post(self.client, self.server + path, body, headers)
        try:
            counts = {name: int(data.get(name, 0)) for name in ACCEPTED_FIELDS}
            # an older server neither asks for triage nor names reports: the fields are absent
            report_id = data.get("report_id")
            return wire.ReportAccepted(**counts, triage_requested=data.get("triage_requested") is True,
                                       report_id=report_id if isinstance(report_id, str) else "")
        except (AttributeError, TypeError, ValueError) as exc:
            raise ServerUnreachable.of("report_bad_answer", server=self.server, error=exc) from exc
