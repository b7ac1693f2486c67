"""Microsoft Security Response Center feed (``kind = "msrc"``).

Monthly CVRF documents and Security Update Guide API pages become one
:class:`~server.feeds.interface.Advisory` per CVE: Windows builds as
``windows-os`` items (``vers:windows/<10.0.19045.4529`` plus the KBs), other
Microsoft products as ``windows-program`` items. :func:`parse_kbs` gives the
KB supersedence chain for display.
"""
from __future__ import annotations

from server.feeds.msrc.feed import MsrcFeed, load, parse_kbs, parse_releases, to_parsed
from server.feeds.msrc.model import MsrcKb
from server.feeds.msrc.sug import MsrcRelease

__all__ = ["MsrcFeed", "MsrcKb", "MsrcRelease", "load", "parse_kbs", "parse_releases",
           "to_parsed"]
