"""Product identity: the one name both sides of a match are compared on.

Distro advisories name *source* packages, so installed deb/rpm packages are
matched through their source package name. Windows programs and macOS apps
carry architecture, language and version noise in their display names
("7-Zip 23.01 (x64)", "Mozilla Firefox (x64 en-US)"): the noise is removed,
then the product rules (``server.matching.products``, data) turn the name
into a CPE ``vendor:product`` identity such as ``7-zip:7-zip``. Advisories
reach the same key from their CPE or vendor and product. A program no rule
knows keeps its normalised name, which never contains ``:``, and is listed
by ``server.matching.unidentified``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from server.ecosystems import BUILD_FAMILY, ECOSYSTEMS, LOWER_CASE, PEP503, PRODUCT_RULES, SOURCE_PACKAGE
from server.identifiers import ANY, parse_cpe
from server.matching.products import ProductRules, default_rules

_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# A whole word that is a version: "23.01", "124.0.6367.61", "v2.1", "2015-2022",
# "2.6.9-i001", "1.2.3-beta" -- but not "7-zip", where letters follow the number.
_VERSION_TOKEN = re.compile(
    r"v?\d+(?:[._]\d+)*(?:[-._]?(?:[a-z]{0,6}\d+|alpha|beta|rc|pre|preview|dev|final))*[a-z]?"
)
_NOISE_WORDS = frozenset(
    "x64 x86 x86_64 amd64 arm64 aarch64 64-bit 32-bit bit en-us en-gb vi-vn vi en version release "
    "rc beta".split()
)
_EDGE_PUNCTUATION = "-–—,;:/|"
_PUNCTUATION = re.compile(r"[^\w+#]+", re.UNICODE)


@dataclass(frozen=True)
class ProgramIdentity:
    """What a display name is: the match key, and how it was reached."""

    key: str
    identified: bool
    reason: str


def program_name(display_name: str) -> str:
    """Normalise a program's display name for identity comparison."""
    text = unicodedata.normalize("NFKC", display_name).casefold().strip()
    text = re.sub(r"\.app$", "", text)  # macOS bundle names
    text = _PARENTHESISED.sub(" ", text)
    words = []
    for word in text.split():
        word = word.strip(_EDGE_PUNCTUATION)
        if word and word not in _NOISE_WORDS and not _VERSION_TOKEN.fullmatch(word):
            words.append(word)
    return " ".join(_PUNCTUATION.sub(" ", " ".join(words)).split())


def fold(name: str) -> str:
    """Without diacritics, for rule lookup: "bộ gõ tiếng việt" -> "bo go tieng viet"."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def program_identity(display_name: str, rules: ProductRules | None = None) -> ProgramIdentity:
    """The identity of an installed program from its display name."""
    rules = rules or default_rules()
    name = program_name(display_name)
    if not name:
        return ProgramIdentity("", False, f"nothing but version or platform words in {display_name!r}")
    rule = rules.identify(fold(name))
    if rule is None:
        return ProgramIdentity(name, False, f"no product rule matches {fold(name)!r}")
    return ProgramIdentity(rule.identity, True, f"{rule.match} rule {rule.pattern!r} ({rule.origin})")


def pypi_name(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _rule(ecosystem: str) -> str:
    """The ecosystem's match-name rule (``server.ecosystems``); an ecosystem
    not listed is named as a program."""
    found = ECOSYSTEMS.get(ecosystem)
    return found.match_rule if found else PRODUCT_RULES


def match_name(ecosystem: str, name: str, source_package: str = "") -> str:
    """The key an installed item is matched on."""
    rule = _rule(ecosystem)
    if rule == SOURCE_PACKAGE:
        return (source_package or name).strip().lower()
    if rule == PEP503:
        return pypi_name(name.strip())
    if rule == LOWER_CASE:
        return name.strip().lower()
    return program_identity(name).key


def cpe_vendor_product(cpe: str) -> tuple[str, str] | None:
    """``cpe:2.3:a:vendor:product:...`` -> (vendor, product); else ``None``.

    NOTE: only 2.3 formatted strings, and only ``*`` refused as a vendor or
    product, as match names already stored were computed: a 2.2 URI (Red
    Hat's) names a platform or product stream, and its items match by the
    product name they carry."""
    parsed = parse_cpe(cpe)
    if parsed is None or parsed.binding != "2.3" or ANY in (parsed.vendor, parsed.product):
        return None
    return parsed.vendor, parsed.product


def _slug(text: str) -> str:
    return "_".join(text.lower().split())


def advisory_match_name(ecosystem: str, product: str, vendor: str = "", cpe: str = "") -> str:
    """The key an advisory's affected item is matched on (the same key space as
    :func:`match_name`): its CPE, else a known vendor:product, else the product
    rules over its name, else ``vendor:product`` as given."""
    if _rule(ecosystem) == BUILD_FAMILY:
        return product  # the build family, "10.0.19045"
    if ecosystem not in ECOSYSTEMS or _rule(ecosystem) != PRODUCT_RULES:
        return match_name(ecosystem, product)
    rules = default_rules()
    pair = cpe_vendor_product(cpe) if cpe else None
    if pair:
        return rules.canonical(*pair)
    if vendor and product:
        given = rules.canonical(_slug(vendor), _slug(product))
        if given in rules.identities:
            return given
    found = program_identity(product, rules)
    if not found.identified and vendor:
        found = program_identity(f"{vendor} {product}", rules)
    if found.identified or not vendor:
        return found.key
    return rules.canonical(_slug(vendor), _slug(program_name(product) or product))
