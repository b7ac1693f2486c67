"""What became of an enrollment attempt (``EnrollAttempt.outcome``)."""
from __future__ import annotations

ENROLLED = "enrolled"  # a new host, key issued
REKEYED = "rekeyed"  # a known host proved itself with its current key
PENDING = "pending"  # waits for an admin (``patchgap host approve``)
APPROVED = "approved"  # an admin approved it: the host holds its key
DENIED = "denied"  # an admin refused it
SUPERSEDED = "superseded"  # another enrollment of the same host was approved
BAD_SECRET = "bad_secret"  # unknown or revoked enroll secret
REFUSED = "refused"  # malformed request

# Outcomes that count against a source address for throttling: failures and
# requests that cost an admin's attention.
SUSPICIOUS = (BAD_SECRET, REFUSED, PENDING)

# Why an attempt was not simply enrolled (``EnrollAttempt.reason``): codes,
# so listings say it in the admin's language (server/reports/i18n.py).
NEW_HOST_NEEDS_APPROVAL = "new_host_needs_approval"
NO_PROOF = "no_proof"
WRONG_KEY = "wrong_key"
HOST_REVOKED = "host_revoked"
OTHER_UNIT = "other_unit"
UNKNOWN_SECRET = "unknown_secret"
EMPTY_UUID = "empty_uuid"

# Every outcome and reason code, translated wherever a table shows it.
SHOWN = frozenset({ENROLLED, REKEYED, PENDING, APPROVED, DENIED, SUPERSEDED, BAD_SECRET, REFUSED,
                   NEW_HOST_NEEDS_APPROVAL, NO_PROOF, WRONG_KEY, HOST_REVOKED, OTHER_UNIT, UNKNOWN_SECRET,
                   EMPTY_UUID})
