"""osqueryd's enrollment request as the collector's: the same host identity
(``system_info.uuid``, else osquery's own instance uuid, read by the
collector's own code) and the same hostname, so one PC is one host whichever
way it reports. osqueryd holds no proof of a known host (see the package
docstring): ``node_key`` stays empty and the identity rules decide."""
from __future__ import annotations

from typing import Any

from collector import limits, wire
from collector.errors import SourceFailed
from collector.sources import osquery_rows
from server.api.problems import ApiError
from server.osquery_remote import bodies

WHERE = "enroll"


def enroll_request(body: dict[str, Any]) -> wire.EnrollRequest:
    """The wire enrollment for osqueryd's body, or 422 naming what is missing."""
    # osquery reads the secret file as is; a trailing newline is not part of it.
    secret = bodies.text(body, "enroll_secret", WHERE, limits.TOKEN, default="").strip()
    if not secret:
        raise ApiError(422, "enroll.enroll_secret: missing (set --enroll_secret_path on the PC)")
    identifier = bodies.text(body, "host_identifier", WHERE, limits.HOSTNAME, default="")
    details = bodies.obj(body, "host_details", WHERE)
    # Only the identity is read from host_details (checked below): the rest of
    # these rows, SMBIOS strings with trailing NULs included, is osquery's.
    system = bodies.loose_row(details.get("system_info"))
    info = bodies.loose_row(details.get("osquery_info"))
    try:
        host = osquery_rows.host_info(system, info)
    except SourceFailed:
        raise ApiError(422, "enroll.host_details: neither system_info.uuid nor osquery_info.uuid is given") from None
    hostname = host.hostname or identifier
    for value, field, limit in ((host.uuid, "uuid", limits.UUID), (hostname, "hostname", limits.HOSTNAME)):
        bodies.checked_text(value, f"enroll.host_details.system_info.{field}", limit)
    return wire.EnrollRequest(enroll_secret=secret, host_uuid=host.uuid, hostname=hostname)
