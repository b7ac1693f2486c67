"""Windows OS builds: hand-written cases."""
from __future__ import annotations

import pytest

from server.versions import VersionError, compare

ORDERED = [
    ("10.0.19045.4291", "10.0.19045.4412"),  # same family, later UBR
    ("10.0.19045.4412", "10.0.22631.3447"),  # Windows 10 22H2 < 11 23H2
    ("10.0.17763.5696", "10.0.20348.2402"),  # Server 2019 < 2022
    ("6.3.9600.21924", "10.0.14393.6897"),
    ("10.0.19045.999", "10.0.19045.1000"),  # numeric, not textual
]


@pytest.mark.parametrize(("lower", "higher"), ORDERED)
def test_ordered(lower: str, higher: str) -> None:
    assert compare("windows", lower, higher) < 0
    assert compare("windows", higher, lower) > 0


@pytest.mark.parametrize(("a", "b"), [("10.0.19045", "10.0.19045.0"), ("10.00.019045.4291", "10.0.19045.4291")])
def test_equal(a: str, b: str) -> None:
    assert compare("windows", a, b) == 0


@pytest.mark.parametrize("bad", ["", "10.0.19045.abc", "10..0", ".10", "10.0 (x64)", "١٠.0"])
def test_invalid(bad: str) -> None:
    with pytest.raises(VersionError):
        compare("windows", bad, "10.0")
