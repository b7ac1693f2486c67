"""Domain errors of the server side. Only the edges (API, CLI) translate them."""
from __future__ import annotations


class PatchgapError(Exception):
    """Base of every error patchgap reports to a person or a collector.

    Made with :meth:`of`, an error names its message in the catalogue
    (server/reports/i18n.py), so the CLI says it in the admin's language;
    ``str()`` is the English text (logs, the API)."""

    key: str = ""
    params: dict[str, object] = {}

    @classmethod
    def of(cls, key: str, **params: object) -> "PatchgapError":
        from server.reports.i18n import phrase

        error = cls(phrase(key, "en", **params))
        error.key, error.params = key, params
        return error

    def localized(self, lang: str) -> str:
        if not self.key:
            return str(self)
        from server.reports.i18n import phrase

        return phrase(self.key, lang, **self.params)


class NotFound(PatchgapError):
    """A named host, warning, secret or advisory does not exist."""


class AuthError(PatchgapError):
    """A secret or node key is unknown, revoked or malformed."""


class InvalidInput(PatchgapError):
    """Input (a report, a file, an option) is malformed; nothing was stored."""


class DatabaseError(PatchgapError):
    """The database cannot be opened, migrated or reached."""


class Throttled(PatchgapError):
    """Too many attempts from one address or with one secret: try later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PendingApproval(PatchgapError):
    """The node key was issued to an enrollment an admin has not approved yet."""
