"""The collector's own words in English and Vietnamese.

A small catalogue of its own, because the collector never imports the server.
The language is chosen as the server chooses it: ``--lang``, else
``PATCHGAP_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``),
else English.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "vi")
ENV_LANG = "PATCHGAP_LANG"

MESSAGES: dict[str, tuple[str, str]] = {
}


def language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``explicit`` when given, else ``PATCHGAP_LANG``, else vi for a Vietnamese locale, else en."""
    if explicit in LANGUAGES:
        return explicit
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENV_LANG, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


def message(key: str, lang: str, **values: object) -> str:
    """The catalogue entry ``key`` in ``lang``, filled with ``values``."""
    en, vi = MESSAGES[key]
    return (vi if lang == "vi" else en).format(**values)
