"""Domain errors of the server side. Only the edges (API, CLI) translate them."""
from __future__ import annotations


class PatchgapError(Exception):
    """Base of every error patchgap reports to a person or a collector."""


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
