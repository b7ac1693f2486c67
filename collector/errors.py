"""The collector's own errors; the CLI turns them into messages and exit codes."""
from __future__ import annotations

from typing import TypeVar

from collector.i18n import text

_E = TypeVar("_E", bound="CollectorError")


class CollectorError(Exception):
    """Base of every error the collector reports to its user."""

    key = ""  # the catalogue key of the message, when made with :meth:`of`

    @classmethod
    def of(cls: type[_E], key: str, /, **values: object) -> _E:
        """The error whose message is catalogue entry ``key`` in the current language."""
        error = cls(text(key, **values))
        error.key = key
        return error


class SourceUnavailable(CollectorError):
    """An inventory source cannot run on this machine (no osquery, no dpkg...)."""


class SourceFailed(CollectorError):
    """An inventory source ran but could not produce its data."""


class ServerUnreachable(CollectorError):
    """The server could not be reached or answered 5xx: worth retrying later."""


class ServerRejected(CollectorError):
    """The server refused the request (4xx): retrying the same request won't help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(text("server_refused", status=status, detail=detail))
        self.key = "server_refused"
        self.status = status
        self.detail = detail


class ConfigError(CollectorError):
    """The configuration (flags, environment, config file) is unusable."""
