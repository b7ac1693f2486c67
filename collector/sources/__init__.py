"""Inventory sources: osquery (preferred) and native package databases.

``SOURCES`` is the plain registry, in order of preference; ``auto`` tries
them in that order and remembers which one answered. Sources are imported
lazily so a PC without osquery-python still runs the native source.
"""
from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

from collector.errors import ConfigError, SourceUnavailable
from collector.i18n import text
from collector.sources.interface import Snapshot, Source

log = logging.getLogger(__name__)

#: source name -> "module:Class", in order of preference
SOURCES: list[tuple[str, str]] = [
    ("osquery", "collector.sources.osquery_source:OsquerySource"),
    ("native", "collector.sources.native:NativeSource"),
]
CHOICES = ("auto", *(name for name, _ in SOURCES))


def _load(name: str, opts: dict[str, Any]) -> Source:
    """Build source ``name`` with the options its constructor accepts."""
    target = dict(SOURCES)[name]
    module_name, _, class_name = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except ImportError as exc:
        raise SourceUnavailable.of("source_cannot_load", name=name, error=exc) from exc
    accepted = inspect.signature(cls).parameters
    # None means "not given": let the source use its own default
    return cls(**{key: value for key, value in opts.items() if key in accepted and value is not None})


class AutoSource(Source):
    """Tries each registered source in turn; the first that can run answers."""

    name = "auto"

    def __init__(self, opts: dict[str, Any]) -> None:
        self.opts = opts
        self.answered = ""  # name of the source that produced the last snapshot

    def collect(self) -> Snapshot:
        """The first available source's snapshot; SourceUnavailable when none can run."""
        reasons = []
        for name, _ in SOURCES:
            try:
                snapshot = _load(name, self.opts).collect()
            except SourceUnavailable as exc:
                log.info("%s", text("source_unavailable", name=name, error=exc))
                reasons.append(f"{name}: {exc}")
                continue
            self.answered = name
            return snapshot
        raise SourceUnavailable.of("no_source", reasons="; ".join(reasons))


def pick_source(name: str = "auto", **opts: Any) -> Source:
    """The source for ``--source name`` (``auto``, ``osquery`` or ``native``).

    ``opts`` go to whichever constructor accepts them (``socket_path``,
    ``osqueryd_path``, ``timeout`` for osquery; ``state_dir``, ``dpkg_status``...
    for native).
    """
    if name == "auto":
        return AutoSource(opts)
    if name not in dict(SOURCES):
        raise ConfigError.of("unknown_source", name=name, choices=", ".join(CHOICES))
    return _load(name, opts)


def collect(source: Source) -> tuple[Snapshot, str]:
    """Run ``source``; returns the snapshot and the name of the source that answered."""
    snapshot = source.collect()
    return snapshot, getattr(source, "answered", "") or source.name
