"""When the collector runs: one schedule for every OS, spread per machine.

Daily at 10:00 local time (office PCs are off at night; a missed run is made
up at the next chance) with a random delay of up to 30 minutes, and a few
minutes after each boot. Where the service manager has no random delay of
its own (launchd; Windows' boot trigger) the spread is a fixed offset derived
from the host name: stable for one machine, so a dry run shows what the
install writes, and different across an office's machines.
"""
from __future__ import annotations

import hashlib
import socket

DAILY_HOUR = 10
SPREAD_MINUTES = 30
BOOT_DELAY_MINUTES = 5
TASK_TIME_LIMIT_MINUTES = 60


def machine_offset(minutes: int, hostname: str | None = None) -> int:
    """A number of minutes in [0, minutes) that depends only on the host name."""
    name = (hostname if hostname is not None else socket.gethostname()).lower()
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") % minutes
