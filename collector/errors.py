"""The collector's own errors; the CLI turns them into messages and exit codes."""
from __future__ import annotations


class CollectorError(Exception):
    """Base of every error the collector reports to its user."""


class SourceUnavailable(CollectorError):
    """An inventory source cannot run on this machine (no osquery, no dpkg...)."""


class SourceFailed(CollectorError):
    """An inventory source ran but could not produce its data."""


class ServerUnreachable(CollectorError):
    """The server could not be reached or answered 5xx: worth retrying later."""


class ServerRejected(CollectorError):
    """The server refused the request (4xx): retrying the same request won't help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"server refused the request ({status}): {detail}")
        self.status = status
        self.detail = detail


class ConfigError(CollectorError):
    """The configuration (flags, environment, config file) is unusable."""
