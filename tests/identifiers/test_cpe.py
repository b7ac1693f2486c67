"""The one CPE parser: both bindings, escapes, logical values, malformed names."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.identifiers import ANY, NA, Cpe, parse_cpe, specific


def test_formatted_string_every_component() -> None:
    cpe = parse_cpe("cpe:2.3:o:ciq:rocky_linux_from_ciq:8.3:sp1:ed:en:swed:linux:x64:other")
    assert cpe == Cpe("o", "ciq", "rocky_linux_from_ciq", "8.3", "sp1", "ed", "en", "swed",
                      "linux", "x64", "other", binding="2.3", written=11)
    assert cpe.components[:3] == ("o", "ciq", "rocky_linux_from_ciq")


def test_formatted_string_escapes() -> None:
    cpe = parse_cpe(r"cpe:2.3:a:acme:web\:server:1.0\:beta:*:*:*:*:windows:*:*")
    assert cpe is not None and (cpe.product, cpe.version, cpe.target_sw) == ("web:server", "1.0:beta", "windows")
    # An escaped backslash before a separator: the colon still separates.
    quoted = parse_cpe(r"cpe:2.3:a:acme:back\\:1.0:*:*:*:*:*:*:*")
    assert quoted is not None and (quoted.product, quoted.version) == ("back\\", "1.0")
    # Escaped punctuation comes out plain.
    dotted = parse_cpe(r"cpe:2.3:a:7\-zip:7\-zip:23\.01:*:*:*:*:*:*:*")
    assert dotted is not None and (dotted.vendor, dotted.product, dotted.version) == ("7-zip", "7-zip", "23.01")
    # A backslash that quotes nothing is malformed.
    assert parse_cpe("cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*\\") is None


def test_formatted_string_logical_values_and_wildcards() -> None:
    cpe = parse_cpe("cpe:2.3:a:acme:app:*:-:*:*:*:*:*:*")
    assert cpe is not None and cpe.any_version and not cpe.no_version and cpe.update == NA
    assert parse_cpe("cpe:2.3:a:acme:app:-:*:*:*:*:*:*:*").no_version  # type: ignore[union-attr]
    # Wildcards inside a value are kept as written.
    partial = parse_cpe("cpe:2.3:a:acme:app:1.*:*:*:*:*:*:*:*")
    assert partial is not None and partial.version == "1.*" and not partial.any_version
    # A wildcard vendor is a name (NVD has them); callers decide what it says.
    assert parse_cpe("cpe:2.3:a:*:*:*:*:*:*:*:*:*:*") is not None
    # Empty components read as any value.
    assert parse_cpe("cpe:2.3:a:acme:app::*:*:*:*:*:*:*").any_version  # type: ignore[union-attr]


def test_uri_binding() -> None:
    cpe = parse_cpe("cpe:/a:redhat:enterprise_linux:9::appstream")
    assert cpe == Cpe("a", "redhat", "enterprise_linux", "9", ANY, "appstream", binding="2.2", written=6)
    short = parse_cpe("cpe:/o:redhat:enterprise_linux:8")
    assert short is not None and (short.version, short.update, short.written) == ("8", ANY, 4)
    eus = parse_cpe("cpe:/a:redhat:rhel_eus:9.2::baseos")
    assert eus is not None and (eus.product, eus.version, eus.edition) == ("rhel_eus", "9.2", "baseos")
    # Percent-encoding decoded; NA kept.
    encoded = parse_cpe("cpe:/a:acme:web%3aserver:1.0%7e2:-")
    assert encoded is not None and (encoded.product, encoded.version, encoded.update) == ("web:server", "1.0~2", NA)


def test_uri_packed_edition() -> None:
    cpe = parse_cpe("cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~:en")
    assert cpe is not None
    assert (cpe.edition, cpe.sw_edition, cpe.target_sw, cpe.target_hw, cpe.other, cpe.language) == (
        ANY, "online", "win2003", "x64", ANY, "en")
    assert parse_cpe("cpe:/a:hp:insight:1:-:~online~win2003") is None  # packed, but not five fields


def test_case() -> None:
    cpe = parse_cpe("  CPE:2.3:O:RedHat:Enterprise_Linux:9.2:*:*:*:*:*:*:*\n")
    assert cpe is not None and (cpe.part, cpe.vendor, cpe.product, cpe.version) == (
        "o", "redhat", "enterprise_linux", "9.2")
    upper = parse_cpe("CPE:/A:RedHat:RHEL_EUS:9.2::AppStream")
    assert upper is not None and (upper.vendor, upper.product, upper.edition) == ("redhat", "rhel_eus", "AppStream")


@pytest.mark.parametrize("text", [
    "", "cpe", "cpe:2.3", "cpe:2.3:", "cpe:/", "cpe:/x:foo", "cpe:2.3:x:acme:app:1:*:*:*:*:*:*:*",
    "cpe:2.3:a::app:1:*:*:*:*:*:*:*", "cpe:2.3:a:acme::1:*:*:*:*:*:*:*", "cpe:/a:acme", "cpe:/a::app",
    "cpe:2.3:a:acme:app:1:*:*:*:*:*:*:*:*",  # twelve components
    "cpe:/a:acme:app:1:2:3:4:5",  # eight components in a 2.2 URI
    "pkg:rpm/redhat/openssl", "cpe:2.2:a:acme:app", "cpe:2.3：a：acme：app",  # fullwidth colons
])
def test_malformed_is_none(text: str) -> None:
    assert parse_cpe(text) is None


@pytest.mark.parametrize("value", [None, 23, b"cpe:2.3:a:acme:app:1:*:*:*:*:*:*:*", ["cpe:/a:acme:app"]])
def test_not_text_is_none(value: object) -> None:
    assert parse_cpe(value) is None


def test_unicode_values_survive() -> None:
    cpe = parse_cpe("cpe:2.3:a:bkav:bộ_gõ_tiếng_việt:5.0:*:*:vi:*:*:*:*")
    assert cpe is not None and (cpe.product, cpe.language) == ("bộ_gõ_tiếng_việt", "vi")
    upper = parse_cpe("cpe:/a:ĐẠI_VIỆT:ỨNG_DỤNG:1")
    assert upper is not None and (upper.vendor, upper.product) == ("đại_việt", "ứng_dụng")
    accented = parse_cpe("cpe:/a:acme:caf%C3%A9:1")
    assert accented is not None and accented.product == "café"


def test_specific() -> None:
    assert [specific(v) for v in ("*", "-", "", "ANY", "NA", "9", "sp4")] == ["", "", "", "", "", "9", "sp4"]


_VALUE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


def _escape(value: str) -> str:
    return "".join(f"\\{c}" if not (c.isalnum() or c == "_") else c for c in value)


@given(_VALUE, _VALUE, _VALUE)
def test_escaped_values_come_back(vendor: str, product: str, version: str) -> None:
    """Any values, escaped as the 2.3 binding does, parse back to themselves."""
    text = f"cpe:2.3:a:{_escape(vendor)}:{_escape(product)}:{_escape(version)}:*:*:*:*:*:*:*"
    cpe = parse_cpe(text)
    assert cpe is not None
    assert (cpe.vendor, cpe.product, cpe.version) == (vendor.lower(), product.lower(), version)


@given(st.text(max_size=60))
def test_any_text_parses_or_is_none(text: str) -> None:
    cpe = parse_cpe(text)
    assert cpe is None or (cpe.part in ("a", "o", "h") and cpe.vendor and cpe.product)
