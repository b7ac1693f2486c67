"""The release rule's Python predicate and its SQL form agree, on a real database."""
from __future__ import annotations

import itertools

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from server.distros import FAMILIES, applies_to, distro_applies, is_minor_stream, stream_pair

_MEMBERS = sorted({member for members in FAMILIES.values() for member in members})
_OTHERS = ["debian:12", "debian:11", "ubuntu:22.04", "sles:15.5", "opensuse:15.5", "alpine:3.18", "mariner:2",
           "azurelinux:3", "fedora:40"]
_MINORS = [f"{member}.{minor}" for member in _MEMBERS for minor in (2, 4)]
ADVISORY = ["", *FAMILIES, *_MEMBERS, *_MINORS, *_OTHERS, "el:6", "rhel:9.2.1"]
HOST = ["", *_MEMBERS, *_OTHERS]
RELEASE = ["", *_MINORS, "ubuntu:22.04"]


def test_python_and_sql_agree_on_every_combination(engine):  # type: ignore[no-untyped-def]
    table = Table("tmp_distro_cases", MetaData(), Column("n", Integer, primary_key=True),
                  Column("advisory", String(32)), Column("host", String(32)), Column("release", String(32)),
                  prefixes=["TEMPORARY"])
    cases = list(itertools.product(ADVISORY, HOST, RELEASE))
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(insert(table), [{"n": n, "advisory": a, "host": h, "release": r}
                                           for n, (a, h, r) in enumerate(cases)])
        in_sql = set(connection.scalars(select(table.c.n).where(
            distro_applies(table.c.advisory, table.c.host, table.c.release))))
    in_python = {n for n, case in enumerate(cases) if applies_to(*case)}
    assert in_sql == in_python
    assert 0 < len(in_python) < len(cases)  # both answers occur
    assert len(cases) > 10_000


def test_minor_streams_pair_with_their_major_only():
    assert is_minor_stream("rhel:9.2") and not is_minor_stream("rhel:9") and not is_minor_stream("ubuntu:22.04")
    assert stream_pair("rhel:9.2", "rhel:9") and stream_pair("rhel:9", "rhel:9.2")
    assert not stream_pair("rhel:9.2", "rhel:8") and not stream_pair("rhel:9", "rocky:9")
    assert not stream_pair("sles:15.5", "sles:15")
