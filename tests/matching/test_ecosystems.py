"""The ecosystem registry: one entry per ecosystem, and what is derived from it."""
from __future__ import annotations

from collector import wire
from server import ecosystems
from server.ecosystems import (ECOSYSTEMS, REGISTRY, WINDOWS_OS, affected_ecosystems_for, scheme_of,
                               software_ecosystems_for)
from server.matching.decide import Item, package_verdict
from server.matching.identity import advisory_match_name, match_name
from server.versions import SCHEMES


def test_one_entry_per_name_and_every_scheme_exists():
    assert len(ECOSYSTEMS) == len(REGISTRY)
    assert {e.scheme for e in REGISTRY} <= set(SCHEMES)
    assert scheme_of("maven") == "generic"  # not listed: never guessed into another order


def test_every_ecosystem_the_collector_sends_is_registered_as_installed():
    assert set(wire.ECOSYSTEMS) <= {e.name for e in REGISTRY if e.installed}


def test_software_and_affected_ecosystems_are_each_others_inverse():
    pairs = {(sw, item) for sw in ECOSYSTEMS for item in affected_ecosystems_for(sw)}
    assert pairs == {(sw, item) for item in ECOSYSTEMS for sw in software_ecosystems_for(item)}
    assert software_ecosystems_for("generic") == ("chocolatey", "homebrew", "macos-app", "windows-program", "generic")
    assert affected_ecosystems_for("macos-app") == ("macos-app", "generic")
    assert affected_ecosystems_for("deb") == ("deb",)


def test_match_names_follow_each_entrys_rule():
    assert match_name("deb", "libssl3", "openssl") == "openssl"
    assert match_name("apk", "Musl", "") == "musl"
    assert match_name("pypi", "Django_REST.framework") == "django-rest-framework"
    assert match_name("npm", " Lodash ") == "lodash"
    assert match_name("windows-program", "7-Zip 23.01 (x64)") == "7-zip:7-zip"
    assert advisory_match_name(WINDOWS_OS, "10.0.19045") == "10.0.19045"


def test_verdicts_use_the_registered_scheme():
    # 1.10 > 1.9 in PEP 440 and SemVer; the macOS order reads "14.4.1" above "14.4"
    assert package_verdict(Item("pypi", "x", fixed_version="1.10"), "1.9", "x").affected
    assert not package_verdict(Item("npm", "x", fixed_version="1.9.0"), "1.10.0", "x").affected
    assert package_verdict(Item("macos-app", "x", fixed_version="14.4.1"), "14.4", "x").matcher == "macos"


def test_named_groups():
    assert ecosystems.DISTRO_PACKAGES == {"deb", "rpm", "apk"}
    assert ecosystems.OS_BUILDS == {WINDOWS_OS}
    assert ecosystems.BINARY_NAMED == {"rpm"}
    assert "apk" not in ecosystems.IN_WARNINGS and WINDOWS_OS in ecosystems.IN_WARNINGS
