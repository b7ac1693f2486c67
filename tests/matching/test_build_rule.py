"""The findings refresh decides each Windows build as ``windows_os_verdict``
does on a host with none of the item's KBs: both follow ``decide.build_step``,
and the fixed build is compared on keys in one and on versions in the other."""
from __future__ import annotations

import itertools

from server.ecosystems import WINDOWS_OS
from server.matching.decide import Item, build_step, windows_os_verdict
from server.matching.os_findings import build_matcher
from server.matching.ranges import compile_item
from server.versions.cache import KeyCache

ITEMS = [
    Item(WINDOWS_OS, "10.0.19045", "vers:windows/<10.0.19045.4529", "10.0.19045.4529", ("KB5039211",)),
    Item(WINDOWS_OS, "10.0.19045", "", "10.0.19045.4529"),
    Item(WINDOWS_OS, "10.0.19045", "vers:windows/>=10.0.19045.4000|<10.0.19045.4529", "10.0.19045.4529"),
    Item(WINDOWS_OS, "10.0.19045", "", "", ("KB5039211",)),
    Item(WINDOWS_OS, "10.0.19045", "", ""),
    Item(WINDOWS_OS, "10.0.19045", "vers:windows/<not.a.build", ""),
    Item(WINDOWS_OS, "10.0.22631", "vers:windows/<10.0.22631.3737", "10.0.22631.3737", ("KB5039212",)),
]
BUILDS = ["", "10.0.19045", "10.0.19045.3900", "10.0.19045.4000", "10.0.19045.4528", "10.0.19045.4529",
          "10.0.19045.5000", "10.0.22631.3700", "10.0.22631", "10.0.17763.1"]


def test_the_refresh_and_the_verdict_agree_on_every_build_and_item():
    keys = KeyCache()
    steps = set()
    for item, build in itertools.product(ITEMS, BUILDS):
        compiled = compile_item(item.ecosystem, item.vers_range, item.fixed_version, keys)
        verdict = windows_os_verdict(item, build, set())
        assert build_matcher(item, compiled, build, keys) == (verdict.matcher if verdict.affected else None), (item, build)
        steps.add(build_step(item, build))
    assert len(steps) == 5  # every rule was exercised


def test_an_installed_kb_or_another_architecture_spares_the_host_whatever_the_step():
    item = ITEMS[0]
    assert not windows_os_verdict(item, "10.0.19045.4528", {"KB5039211"}).affected
    assert not windows_os_verdict(item, "10.0.19045", {"KB5039211"}).affected
    assert not windows_os_verdict(item, "10.0.19045.4528", set(), "ARM 64-bit Processor", "windows-10-22h2-x64").affected
    assert windows_os_verdict(item, "10.0.19045.4528", set(), "64-bit", "windows-10-22h2-x64").affected
