"""OSV (Open Source Vulnerability format) advisories: Debian, Ubuntu, AlmaLinux,
Rocky Linux, Red Hat, SUSE/openSUSE, Alpine, PyPI and npm records.

Modules: :mod:`.feed` (files, folders, zip archives), :mod:`.record` (one
record -> one advisory), :mod:`.affected` (packages and ranges),
:mod:`.ecosystems` (ecosystem and distro names), :mod:`.vers` (``vers:``
strings), :mod:`.severity`, :mod:`.validate` (optional schema check).
"""
from __future__ import annotations

from server.feeds.osv.feed import OsvFeed
from server.feeds.osv.record import parse_bytes, parse_record
from server.feeds.osv.validate import OsvSchema

__all__ = ["OsvFeed", "OsvSchema", "parse_bytes", "parse_record"]
