"""The demo province: units, about forty machines and three warning letters,
three weeks of reports simulated through the real services, for
``patchgap demo`` and for tests of the reports."""
from __future__ import annotations

from server.demo.province import Province, build_province

__all__ = ["Province", "build_province"]
