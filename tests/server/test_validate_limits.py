"""The quick limit check a report passes on its way in (``within_limits``,
a field at a time over all software items) says yes exactly when the walk
that names the broken limit (``check_limits``) finds none: one hostile value
anywhere in a report, of any kind the limits know, and both agree."""
from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given, settings, strategies as st

from collector import limits, wire
from server.api.validate import check_limits, within_limits
from tests.reports import debian_host, software, windows_host

BASE = dataclasses.replace(
    windows_host(),
    software=[software(f"pkg-{i}", f"1.{i}") for i in range(40)] + debian_host().software,
    addresses=debian_host().addresses,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, current value) of every text, integer and list inside ``value``."""
    found = []
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        here = (*path, f.name)
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            found.append((here, item))
        elif isinstance(item, list):
            found.append((here, item))
            for index, element in enumerate(item):
                found.extend(_places(element, (*here, index)))
        elif dataclasses.is_dataclass(item):
            found.extend(_places(item, here))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        copy = list(value)
        copy[head] = _replaced(copy[head], rest, new) if rest else new
        return copy
    return dataclasses.replace(value, **{head: _replaced(getattr(value, head), rest, new) if rest else new})


PLACES = _places(BASE)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(["a", "\x00", "\ud800", "\udfff", "é", "İ", "\u200b"]), max_size=8),
    st.integers(min_value=1, max_value=limits.OTHER_TEXT * 2).map(lambda n: "x" * n),
    st.sampled_from([limits.SOFTWARE_NAME, limits.VERSION, limits.HOTFIX_ID, limits.ARCH, limits.OTHER_TEXT])
    .flatmap(lambda n: st.sampled_from([n - 1, n, n + 1])).map(lambda n: "y" * n),
)
HOSTILE_INT = st.one_of(st.integers(min_value=-3, max_value=3), st.sampled_from([limits.MAX_INTEGER,
                                                                                 limits.MAX_INTEGER + 1, -2**63]))


@st.composite
def hostile_reports(draw: st.DrawFn) -> wire.Report:
    report = BASE
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path, current = draw(st.sampled_from(PLACES))
        if isinstance(current, str):
            new: Any = draw(HOSTILE_TEXT)
        elif isinstance(current, int):
            new = draw(HOSTILE_INT)
        elif current and isinstance(current[0], str):
            new = draw(st.lists(HOSTILE_TEXT, max_size=4))
        else:  # a list of records: longer than its limit, or as it was
            new = current * draw(st.sampled_from([1, 2, 1 + limits.MAX_SOFTWARE // max(1, len(current))]))
        try:
            report = _replaced(report, path, new)
        except (IndexError, KeyError):  # an earlier change shortened this list
            continue
    return report


@settings(max_examples=400, deadline=None)
@given(hostile_reports())
def test_the_quick_check_agrees_with_the_walk_that_names_the_limit(report: wire.Report) -> None:
    named = check_limits(report, "Report")
    assert within_limits(report) == (named is None), named


def test_the_base_report_and_each_kind_of_breach() -> None:
    assert within_limits(BASE) and check_limits(BASE, "Report") is None
    nul = _replaced(BASE, ("software", 3, "version"), "1.0\x00")
    assert not within_limits(nul) and check_limits(nul, "Report") == "Report.software[3].version: contains a NUL character"
    # The caller may say no NUL can be in it (none escaped in the body): the other limits still hold.
    long_name = _replaced(BASE, ("software", 0, "name"), "n" * (limits.SOFTWARE_NAME + 1))
    assert not within_limits(long_name, nul_possible=False)
    surrogate = _replaced(BASE, ("host", "hostname"), "pc-\udc80")
    assert not within_limits(surrogate) and "unpaired surrogate" in (check_limits(surrogate, "Report") or "")
