"""Hash files and OpenPGP signatures of provider documents.

Hash files hold ``<hex digest>  <file name>`` (``sha256sum`` style) or just
the digest. Signatures are detached, ASCII-armoured ``.asc`` files checked
with pysequoia (Sequoia-PGP) against the public key(s) the admin supplies.
"""
from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path
from typing import Any

from server.feeds.interface import FeedError

ALGORITHMS = ("sha512", "sha256")


def digest_in(hash_file: bytes) -> str:
    """The hex digest a hash file states ("" if it states none)."""
    text = hash_file.decode("ascii", errors="replace").strip()
    match = re.match(r"([0-9a-fA-F]{64,128})\b", text)
    return match.group(1).lower() if match else ""


def check_hash(data: bytes, hash_file: bytes, algorithm: str) -> str | None:
    """None when ``data`` matches ``hash_file``, else why not."""
    expected = digest_in(hash_file)
    if not expected:
        return f"{algorithm} file holds no digest"
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != expected:
        return f"{algorithm} mismatch: file says {expected[:16]}..., content is {actual[:16]}..."
    return None


def _first_line(exc: Exception) -> str:
    # NOTE: pysequoia's errors carry a Rust backtrace when RUST_BACKTRACE is set.
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class SignatureChecker:
    """Verifies detached OpenPGP signatures against a provider's public key file."""

    def __init__(self, key_file: Path) -> None:
        try:
            import pysequoia
        except ImportError as exc:  # pragma: no cover - declared dependency
            raise FeedError("OpenPGP checks need the 'pysequoia' package") from exc
        self._pgp: Any = pysequoia
        try:
            data = key_file.read_bytes()
        except OSError as exc:
            raise FeedError(f"cannot read public key {key_file}: {exc.strerror or exc}") from exc
        try:
            with warnings.catch_warnings():
                # NOTE: pysequoia 0.1.35 flags Cert.* as deprecated in favour of Tsk.*
                # even for public certificates, which Tsk cannot hold.
                warnings.simplefilter("ignore", DeprecationWarning)
                self._certs = list(pysequoia.Cert.split_bytes(data))
        except Exception as exc:  # noqa: BLE001 - pysequoia raises bare RuntimeError
            raise FeedError(f"{key_file} is not an OpenPGP public key: {_first_line(exc)}") from exc
        if not self._certs:
            raise FeedError(f"{key_file} holds no OpenPGP certificate")

    @property
    def fingerprints(self) -> list[str]:
        return [str(cert.fingerprint).upper() for cert in self._certs]

    def verify(self, data: bytes, signature: bytes) -> str | None:
        """None when ``signature`` is a good signature of ``data`` by the key, else why not."""
        try:
            sig = self._pgp.Sig.from_bytes(signature)
        except Exception as exc:  # noqa: BLE001
            return f"unreadable signature: {_first_line(exc)}"
        try:
            result = self._pgp.verify(bytes=data, store=lambda _ids: self._certs, signature=sig)
        except Exception as exc:  # noqa: BLE001
            return f"bad signature: {_first_line(exc)}"
        return None if result.valid_sigs else "bad signature: no valid signature by the key"
