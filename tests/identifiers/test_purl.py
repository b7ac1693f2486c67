"""The one package URL parser."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.identifiers import Purl, parse_purl


def test_parts() -> None:
    assert parse_purl("pkg:rpm/redhat/libtiff@4.4.0-12.el9?epoch=0&arch=src") == Purl(
        "rpm", "libtiff", "redhat", "4.4.0-12.el9", {"epoch": "0", "arch": "src"})
    assert parse_purl("pkg:maven/org.apache.camel/camel-http") == Purl("maven", "camel-http", "org.apache.camel")
    deep = parse_purl("pkg:golang/github.com/gorilla/websocket@v1.5.0#sub/dir")
    assert deep is not None and (deep.namespace, deep.name, deep.version) == ("github.com/gorilla", "websocket", "v1.5.0")


def test_npm_scope_and_the_last_at() -> None:
    scoped = parse_purl("pkg:npm/%40angular/core@17.0.1")
    assert scoped is not None and (scoped.namespace, scoped.name, scoped.version) == ("@angular", "core", "17.0.1")


def test_qualifiers() -> None:
    purl = parse_purl("pkg:rpm/rocky/kernel@4.18.0?ARCH=x86_64&distro=rocky-8-sig-cloud&empty=&=x")
    assert purl is not None and purl.qualifiers == {"arch": "x86_64", "distro": "rocky-8-sig-cloud", "empty": ""}
    # Qualifiers do not make two purls different.
    assert purl == Purl("rpm", "kernel", "rocky", "4.18.0")


def test_percent_decoding_and_unicode() -> None:
    purl = parse_purl("pkg:pypi/caf%C3%A9@1.0%2Bvn")
    assert purl is not None and (purl.name, purl.version) == ("café", "1.0+vn")
    raw = parse_purl("pkg:npm/bộ-gõ@2.0")
    assert raw is not None and raw.name == "bộ-gõ"


@pytest.mark.parametrize("text", ["", "not-a-purl", "pkg:rpm", "pkg:rpm/", "pkg:9rpm/x", "pkg:r_pm/x", "purl:rpm/x"])
def test_malformed_is_none(text: str) -> None:
    assert parse_purl(text) is None


@given(st.text(max_size=60))
def test_any_text_parses_or_is_none(text: str) -> None:
    purl = parse_purl("pkg:" + text)
    assert purl is None or (purl.type and purl.name)
