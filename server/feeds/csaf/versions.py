"""Version strings and ranges: ``vers:`` checks, prose ranges, RPM NEVRA.

A ``vers:`` string is read by the same parser matching uses
(:mod:`server.versions.vers`), and versions written into constraints are
encoded by it too.

A range written in prose is converted to ``vers`` constraints only when the
text leaves no doubt ("<= 7.0.6", "all versions before 2.3", "7.6 all
versions"); anything else comes back with a ``review`` reason that quotes the
text verbatim, for an admin to read. Nothing is guessed.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from server.versions import VersionError, vers
from server.versions.vers import encode

_V = r"[vV]?(\d+(?:\.\d+)*(?:[-+~][0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?)"
_OP = r"(<=|>=|<|>|=)"
_ALL = r"(?:all\s+versions?\s*)?"
_BRANCH = r"(\d+(?:\.\d+)*)"
_PROSE_HINT = re.compile(
    r"[<>*|]|\ball\b|\bversions?\b|\bbefore\b|\bprior\b|\babove\b|\blater\b|\bearlier\b"
    r"|\bthrough\b|\bup to\b|\bbelow\b|\bolder\b|\bnewer\b|\.x\b|\bx$",
    re.IGNORECASE,
)
_OPEN_ENDED = re.compile(
    rf"{_V}\s+(?:and|or)\s+(?:above|later|newer|higher|greater)", re.IGNORECASE
)
_NEVRA = re.compile(
    r"(?P<name>.+)-(?:(?P<epoch>\d+):)?(?P<version>[^-:]+)-(?P<release>[^-:]+)\.(?P<arch>[^.-]+)"
)


@dataclass(frozen=True)
class Range:
    """``vers`` constraints (no scheme: ``<1.2|>=2.0`` or ``*``) or a review reason."""

    constraints: str = ""
    review: str = ""
    scheme: str = ""  # set when the source was a vers string naming its own scheme


@dataclass(frozen=True)
class Nevra:
    """An RPM ``name-[epoch:]version-release.arch`` string, split."""

    name: str
    epoch: str
    version: str
    release: str
    arch: str

    @property
    def evr(self) -> str:
        """``[epoch:]version-release`` as the collector reports it (epoch 0 omitted)."""
        return rpm_evr(self.epoch, self.version, self.release)


def rpm_evr(epoch: str, version: str, release: str) -> str:
    """The wire form of an RPM version: epoch omitted when empty or 0."""
    evr = f"{version}-{release}" if release else version
    return f"{epoch}:{evr}" if epoch not in ("", "0") else evr


def parse_nevra(value: str) -> Nevra | None:
    """Split ``fence-agents-0:4.2.1-41.el8_2.12.src``; None if it is not NEVRA-shaped."""
    match = _NEVRA.fullmatch(value.strip())
    if not match or not match["version"][:1].isdigit():
        return None
    return Nevra(match["name"], match["epoch"] or "", match["version"], match["release"], match["arch"])


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A rough ordering key (numbers numerically, letters alphabetically).

    Only used to pair affected ranges with the fix that follows them; the
    matcher does the real, scheme-aware comparison.
    """
    tokens = re.findall(r"\d+|[A-Za-z]+", version)
    return tuple((0, int(t)) if t.isdigit() else (1, t.lower()) for t in tokens)


def parse_vers(value: str) -> Range:
    """Check a ``vers:`` string with the parser matching reads it with
    (:func:`server.versions.vers.parse`); keep it when it reads, else ask for review."""
    raw = value.strip()
    if re.search(r"\s", raw):
        return Range(review=f"vers range with spaces {value!r}: prose inside vers")
    # NOTE: empty constraints ("vers:rpm/<1.2|", "a||b") are dropped, as the
    # feed always has; what is left must read as the specification says.
    head, slash, body = raw.partition("/")
    body = "|".join(filter(None, body.split("|")))
    try:
        rng = vers.parse(f"{head}{slash}{body}")
    except VersionError as error:
        return Range(review=f"malformed vers range {value!r}: {error}")
    return Range("*" if rng.wildcard else body, scheme=rng.scheme)


def _next_branch(branch: str) -> str:
    parts = branch.split(".")
    parts[-1] = str(int(parts[-1]) + 1)
    return ".".join(parts)


def _constraint(op: str, version: str) -> str:
    return encode(version) if op == "=" else f"{op}{encode(version)}"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_BEFORE = r"(?:before|prior\s+to|earlier\s+than|older\s+than|lower\s+than|below)"
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_rx(r"(?:all\s+versions?|all|any\s+versions?|\*)"), lambda m: "*"),
    (_rx(rf"{_ALL}{_OP}\s*{_V}"), lambda m: _constraint(m[1], m[2])),
    (_rx(rf"{_ALL}{_BEFORE}\s+{_V}"), lambda m: f"<{encode(m[1])}"),
    (_rx(rf"{_ALL}(?:up\s+to\s+and\s+including|through)\s+{_V}"), lambda m: f"<={encode(m[1])}"),
    (_rx(rf"{_V}\s+(?:and|or)\s+(?:earlier|prior|older|lower|below)"), lambda m: f"<={encode(m[1])}"),
    # NOTE: CISA's IT advisories write "0 < 8.0.1" for "every version below 8.0.1".
    (_rx(rf"0\s*<\s*{_V}"), lambda m: f"<{encode(m[1])}"),
    (_rx(rf"{_V}\s+through\s+{_V}"), lambda m: f">={encode(m[1])}|<={encode(m[2])}"),
    # NOTE: Fortinet writes "7.6 all versions" for every 7.6.x release.
    (_rx(rf"{_BRANCH}\s+all\s+versions?|{_BRANCH}\.x"),
     lambda m: f">={m[1] or m[2]}|<{_next_branch(m[1] or m[2])}"),
    (_rx(rf"<=\s*{_BRANCH}\.x"), lambda m: f"<{_next_branch(m[1])}"),
]


def strip_product(value: str, product: str) -> str:
    """Drop a leading ``Product/`` (Fortinet writes ``FortiOS/>=7.4.0|<=7.4.7``)."""
    if product and value.lower().startswith(product.lower()):
        rest = value[len(product):].lstrip()
        if rest.startswith("/"):
            return rest[1:].strip()
    return value.strip()


def prose_range(value: str, product: str = "") -> Range:
    """Convert a range written by a person, or explain why it was not."""
    raw = strip_product(value, product)
    if raw.lower().startswith("vers:"):
        return parse_vers(raw)
    if _OPEN_ENDED.fullmatch(raw):
        return Range(review=f"open-ended prose range {value!r}: vendors often mean "
                            "'within this release line', so it is not converted")
    pieces = [p.strip() for p in re.split(r"\s*[|,]\s*", raw) if p.strip()]
    converted = []
    for piece in pieces if len(pieces) > 1 else [raw]:
        for pattern, build in _RULES:
            match = pattern.fullmatch(piece)
            if match:
                converted.append(build(match))
                break
        else:
            return Range(review=f"prose range {value!r} is not unambiguous")
    if len(converted) > 1 and "*" in converted:
        return Range(review=f"prose range {value!r} mixes 'all versions' with bounds")
    return Range("|".join(converted))


def exact_version(value: str, product: str = "") -> Range:
    """One named version (``2.4``, ``12.2(55)SE``) as a vers equality, or prose."""
    raw = strip_product(value, product)
    if not raw:
        return Range(review="empty version")
    if _PROSE_HINT.search(raw):
        return prose_range(value, product)
    if re.search(r"\s", raw):
        return Range(review=f"version {value!r} contains spaces: not a plain version")
    return Range(encode(raw))
