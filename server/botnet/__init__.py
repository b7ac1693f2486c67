"""Botnet IP lists: the national list an office sends (a spreadsheet or a
plain list of addresses) and the public ones worth accepting as they are
(Shadowserver reports, abuse.ch Feodo Tracker, Spamhaus DROP).

:func:`parse_list` reads any of them into :class:`ParsedList` (pure, no
database); matching listed addresses to hosts builds on it.
"""
from __future__ import annotations

from server.botnet.model import Entry, ListError, ParsedList, RowProblem
from server.botnet.parse import parse_list

__all__ = ["Entry", "ListError", "ParsedList", "RowProblem", "parse_list"]
