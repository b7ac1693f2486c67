"""The server's one catalogue (server/reports/i18n.py): every entry in both
languages with the same placeholders, every phrase key the code says exists,
and a phrase said in Vietnamese says its inner phrases in Vietnamese too."""
from __future__ import annotations

import re

from server.matching.decide import stream_label
from server.reports.i18n import LABELS, PHRASES, Said
from tests.catalogue import fields
from tests.conftest import PROJECT_ROOT


# Column headers left blank on purpose, and phrases whose Vietnamese takes
# other values (a date written "ngày 7 tháng 12 năm 2026").
BLANK = {"metric"}
OWN_PLACEHOLDERS = {"place_date"}


def test_every_entry_has_both_languages_and_the_same_placeholders() -> None:
    for key, (en, vi) in {**LABELS, **PHRASES}.items():
        assert (en.strip() and vi.strip()) or key in BLANK, key
        assert fields(en) == fields(vi) or key in OWN_PLACEHOLDERS, key


def test_every_phrase_the_server_says_is_in_the_catalogue() -> None:
    used: dict[str, str] = {}
    for path in (PROJECT_ROOT / "server").rglob("*.py"):
        for key in re.findall(r"""(?:\bSaid|\.of|\bphrase)\(\s*"([a-z0-9_]+)"\s*[,)]""", path.read_text(encoding="utf-8")):
            used[key] = str(path)
    assert sum(key.startswith("why_") for key in used) > 20  # the scan found the calls, not nothing
    assert {key: path for key, path in used.items() if key not in PHRASES} == {}


def test_a_phrase_is_said_whole_in_one_language() -> None:
    reason = Said("why_fixed_by_stream", stream=stream_label("rhel:9.2"),
                  reason=Said("why_in_range", installed="1.4-2.el9_0", range="vers:rpm/*"),
                  other=stream_label("rhel:9"),
                  other_reason=Said("why_not_in_range", installed="1.4-2.el9_0", range="vers:rpm/<1.4-1"))
    assert reason == ("stream rhel:9.2 (minor release: EUS/AUS/TUS/E4S): 1.4-2.el9_0 in vers:rpm/*; fixed by "
                      "stream rhel:9 (mainline): 1.4-2.el9_0 not in vers:rpm/<1.4-1")
    assert reason.said("vi") == ("luồng rhel:9.2 (bản phát hành phụ: EUS/AUS/TUS/E4S): 1.4-2.el9_0 nằm trong "
                                 "vers:rpm/*; đã được vá theo luồng rhel:9 (dòng chính): 1.4-2.el9_0 không nằm "
                                 "trong vers:rpm/<1.4-1")
