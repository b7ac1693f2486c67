"""Product identity: the one name both sides of a match are compared on.

Distro advisories name *source* packages, so installed deb/rpm packages are
matched through their source package name. Windows programs and macOS apps
carry architecture, language and version noise in their display names
("7-Zip 23.01 (x64)", "Mozilla Firefox (x64 en-US)"): that noise is removed
the same way on the inventory side and on the advisory side.
"""
from __future__ import annotations

import re
import unicodedata

DISTRO_ECOSYSTEMS = frozenset({"deb", "rpm", "apk"})
PROGRAM_ECOSYSTEMS = frozenset({"windows-program", "chocolatey", "macos-app", "homebrew", "generic"})

_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# A version embedded in a display name: "23.01", "124.0.6367.61", "v2.1", "2019".
_VERSION_WORD = re.compile(r"(?<![a-z])v?\d+(?:[.\-_]\d+)*[a-z]?\b")
_NOISE_WORDS = re.compile(
    r"\b(x64|x86|x86_64|amd64|arm64|aarch64|64-bit|32-bit|64 bit|32 bit|"
    r"en-us|en-gb|vi-vn|vi|en|version)\b"
)
_PUNCTUATION = re.compile(r"[^\w+#]+", re.UNICODE)


def program_name(display_name: str) -> str:
    """Normalise a program's display name for identity comparison."""
    text = unicodedata.normalize("NFKC", display_name).casefold()
    text = _PARENTHESISED.sub(" ", text)
    text = _NOISE_WORDS.sub(" ", text)
    text = _VERSION_WORD.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def pypi_name(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def match_name(ecosystem: str, name: str, source_package: str = "") -> str:
    """The key an installed item and an advisory product are matched on."""
    if ecosystem in DISTRO_ECOSYSTEMS:
        return (source_package or name).strip().lower()
    if ecosystem == "pypi":
        return pypi_name(name.strip())
    if ecosystem == "npm":
        return name.strip().lower()
    return program_name(name)
