"""How much each part of the wire format may carry: the one place the
server's validator, its database columns and the README read the limits from.

A text limit is a count of characters (what PostgreSQL's ``varchar(n)``
counts). The server refuses a report that exceeds any of them, naming the
field; it never truncates or clamps silently.
"""
from __future__ import annotations

import datetime as dt

# Texts the server stores, with the width of their column.
UUID = 128
HOSTNAME = 255
HARDWARE_PART = 127  # vendor and model, stored joined in one 255 column
SOFTWARE_NAME = 512
VERSION = 255
ARCH = 64
VENDOR = 255
SOURCE_PACKAGE = 255
RELEASE = 128
PLATFORM = 64
PLATFORM_LIKE = 128
OS_NAME = 255
OS_VERSION = 128
OS_BUILD = 128
CODENAME = 64
HOTFIX_ID = 64
INSTALLED_ON = 64
DESCRIPTION = 255
ADDRESS = 64
INTERFACE = 128
MAC = 64
COLLECTOR_VERSION = 64
COLLECTOR_SOURCE = 32
ECOSYSTEM = 32
TIMESTAMP = 64
# The id the server gives an accepted report, named as the base of a delta.
REPORT_ID = 64
# Secrets and node keys are ~47 characters; anything much longer is not one.
TOKEN = 128
# Texts the server reads but does not keep in a column of their own.
OTHER_TEXT = 1024

# Lists of one report. A large Linux server has ~5,000 packages; a Windows
# PC a few hundred hotfixes over its life and a handful of addresses.
MAX_SOFTWARE = 50_000
MAX_PATCHES = 5_000
MAX_ADDRESSES = 1_000

# A triage snapshot (wire.TriageUpload): what a few osquery queries answer,
# sent once when the server asks. The body bound is what keeps it small; the
# collector drops rows (marking the result truncated) until it fits.
MAX_TRIAGE_BYTES = 2 * 1024 * 1024
TRIAGE_RESULTS = 32
TRIAGE_NAME = 64
TRIAGE_COLUMNS = 64
TRIAGE_ROWS = 1_000  # the most any query's "-- limit:" may ask for
TRIAGE_CELL = 4_096  # a command line can be long; the collector cuts longer cells
TRIAGE_SKIPPED = 64

# Integers (memory size, version parts): what a signed 64-bit column holds.
MAX_INTEGER = 2**63 - 1

# Timestamps: a report may be dated at most this far ahead of the server's
# clock (clock skew); anything later would freeze the host, because every
# real report after it would look older. Earlier than EARLIEST is a PC whose
# clock was never set.
MAX_FUTURE_SKEW = dt.timedelta(days=1)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)

# Request bodies, in bytes, before and after gunzip.
MAX_REPORT_BYTES = 16 * 1024 * 1024
MAX_ENROLL_BYTES = 64 * 1024


def text(limit: int) -> dict[str, int]:
    """Field metadata of a text of at most ``limit`` characters."""
    return {"max_length": limit}


def cells(limit: int) -> dict[str, int]:
    """Field metadata of the texts inside a list (or a list of lists): at most ``limit`` characters each."""
    return {"cell_length": limit}


def integer() -> dict[str, int]:
    """Field metadata of a non-negative integer a signed 64-bit column holds."""
    return {"ge": 0, "le": MAX_INTEGER}


def items(limit: int) -> dict[str, int]:
    """Field metadata of a list of at most ``limit`` items."""
    return {"max_items": limit}
