"""The rpm database -> ``rpm`` :class:`collector.wire.Software` rows.

Runs ``rpm -qa`` with a tab-separated query format; the database format has
changed across releases (Berkeley DB, ndb, sqlite), so asking rpm itself is
the only portable way to read it.
"""
from __future__ import annotations

import os
import shutil
import subprocess

from collector import wire
from collector.errors import SourceFailed

FIELDS = ("NAME", "EPOCH", "VERSION", "RELEASE", "ARCH", "SOURCERPM", "VENDOR")
QUERY_FORMAT = "\\t".join(f"%{{{field}}}" for field in FIELDS) + "\\n"
NONE = "(none)"  # how rpm prints an unset tag
TIMEOUT = 300.0


def find_rpm() -> str | None:
    """Path of the ``rpm`` binary, or None when it is not installed."""
    return shutil.which("rpm")


def canonical_version(epoch: str, version: str, release: str) -> str:
    """``[epoch:]version-release``, epoch omitted when unset or 0."""
    prefix = f"{epoch}:" if epoch not in ("", NONE, "0") else ""
    return f"{prefix}{version}-{release}" if release not in ("", NONE) else f"{prefix}{version}"


def source_name(source_rpm: str, fallback: str) -> str:
    """``openssl-3.0.7-24.el9.src.rpm`` -> ``openssl``; gpg-pubkey has none."""
    for suffix in (".src.rpm", ".nosrc.rpm"):
        if source_rpm.endswith(suffix):
            stem = source_rpm[: -len(suffix)]
            parts = stem.rsplit("-", 2)
            return parts[0] if len(parts) == 3 else fallback
    return fallback


def parse_query_output(text: str) -> list[wire.Software]:
    """Rows of ``rpm -qa --queryformat QUERY_FORMAT`` output as wire rows."""
    rows: list[wire.Software] = []
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) != len(FIELDS):
            continue  # not one of our lines (rpm warnings go to stderr, but be safe)
        name, epoch, version, release, arch, srpm, vendor = cols
        rows.append(
            wire.Software(
                name=name,
                version=canonical_version(epoch, version, release),
                ecosystem="rpm",
                arch="" if arch == NONE else arch,
                vendor="" if vendor == NONE else vendor,
                source_package=source_name(srpm, name),
                release="" if release == NONE else release,
            )
        )
    return rows


def read_installed(rpm_path: str) -> list[wire.Software]:
    """Every package in the rpm database, via the ``rpm`` binary at ``rpm_path``."""
    env = dict(os.environ, LC_ALL="C")
    try:
        done = subprocess.run(
            [rpm_path, "-qa", "--queryformat", QUERY_FORMAT],
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceFailed.of("rpm_cannot_run", rpm=rpm_path, error=exc) from exc
    if done.returncode != 0:
        raise SourceFailed.of("rpm_failed", rpm=rpm_path, code=done.returncode, output=done.stderr.strip()[:500])
    return parse_query_output(done.stdout)
