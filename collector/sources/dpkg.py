"""dpkg's status database -> ``deb`` :class:`collector.wire.Software` rows.

Reads ``/var/lib/dpkg/status`` (plus the pending ``updates/`` journal, as
``dpkg-query`` does) without running dpkg, so it works wherever the file is
readable. Versions come out exactly as ``dpkg-query -W`` prints them.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from collector import wire
from collector.errors import SourceFailed

DEFAULT_STATUS = Path("/var/lib/dpkg/status")

# Package states whose files of that version are on disk. "deinstall ok
# installed" (marked for removal, not yet removed) is still installed; only
# "config-files", "not-installed" and "half-installed" are left out.
ON_DISK_STATES = frozenset({"installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked"})


def parse_stanzas(text: str) -> Iterator[dict[str, str]]:
    """Yield each deb822 paragraph as ``{lowercased field: first-line value}``.

    Continuation lines (Description, Conffiles) are skipped: no field we read
    spans lines.
    """
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
                fields = {}
        elif line[0] in " \t" or line.startswith("#"):
            continue
        else:
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip()
    if fields:
        yield fields


def canonical_version(raw: str) -> str:
    """``[epoch:]upstream[-revision]`` as dpkg prints it: epoch 0 and an empty
    revision are dropped, a leading-zero epoch is normalised (``01:`` -> ``1:``)."""
    version = raw.strip()
    epoch = ""
    head, sep, rest = version.partition(":")
    if sep and head.isdigit():
        epoch, version = ("" if int(head) == 0 else f"{int(head)}:"), rest
    if version.endswith("-"):
        version = version[:-1]
    return epoch + version


def is_on_disk(status: str) -> bool:
    """True for a ``Status:`` value (``want flag state``) whose files are installed."""
    parts = status.split()
    return len(parts) == 3 and parts[2] in ON_DISK_STATES


def to_software(fields: dict[str, str]) -> wire.Software:
    """One status paragraph as a wire row; ``Source: name (version)`` -> ``name``."""
    name = fields["package"]
    source = fields.get("source", "").split(" ", 1)[0] or name
    return wire.Software(
        name=name,
        version=canonical_version(fields.get("version", "")),
        ecosystem="deb",
        arch=fields.get("architecture", ""),
        source_package=source,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SourceFailed.of("dpkg_unreadable", path=path, error=exc.strerror) from exc


def _records(status_path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """Status paragraphs keyed by (package, arch), with the journal applied."""
    records: dict[tuple[str, str], dict[str, str]] = {}
    texts = [_read(status_path)]
    # NOTE: dpkg writes changes to updates/NNNN first and folds them into
    # status later; dpkg-query reads both, so do we (numeric names only).
    updates = status_path.parent / "updates"
    if updates.is_dir():
        journal = sorted(p for p in updates.iterdir() if p.name.isdigit())
        texts.extend(_read(p) for p in sorted(journal, key=lambda p: int(p.name)))
    for text in texts:
        for fields in parse_stanzas(text):
            if "package" in fields:
                records[(fields["package"], fields.get("architecture", ""))] = fields
    return records


def read_installed(status_path: Path = DEFAULT_STATUS) -> list[wire.Software]:
    """Every installed package in the dpkg database at ``status_path``."""
    return [
        to_software(fields)
        for fields in _records(status_path).values()
        if is_on_disk(fields.get("status", ""))
    ]
