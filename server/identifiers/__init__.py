"""Identifier parsers shared by feeds and matching: CPE names and package URLs.

One parser per identifier, at the bottom of ``server/`` (it imports nothing
else of patchgap), so a feed validates a name with the same reading that
matching later relies on:

- :mod:`.cpe`: CPE 2.3 formatted strings (``cpe:2.3:a:vendor:product:...``,
  ``\\:`` escapes) and CPE 2.2 URIs (``cpe:/a:redhat:enterprise_linux:9::appstream``);
- :mod:`.purl`: package URLs (``pkg:rpm/redhat/openssl@3.0.7?arch=src``).

``vers:`` ranges are version syntax and live with the schemes that order
them, :mod:`server.versions.vers`.
"""
from __future__ import annotations

from .cpe import ANY, NA, Cpe, parse_cpe, specific
from .purl import Purl, parse_purl

__all__ = ["ANY", "NA", "Cpe", "Purl", "parse_cpe", "parse_purl", "specific"]
