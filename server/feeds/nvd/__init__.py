"""National Vulnerability Database feed (``kind = "nvd"``).

CVE API 2.0 answers (and the retired 1.1 data feeds) become one advisory per
CVE: CVSS score and severity, KEV exploitation, and one ``generic`` item per
vulnerable application CPE with its ``vers:generic`` range.
"""
from __future__ import annotations

from server.feeds.nvd.feed import NvdFeed, parse_data, parse_file

__all__ = ["NvdFeed", "parse_data", "parse_file"]
