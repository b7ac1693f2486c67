"""The collector speaks Vietnamese or English from one catalogue (collector/i18n.py):
real ``patchgap-collect`` processes with ``--lang vi`` or ``PATCHGAP_LANG=vi``,
and a catalogue whose every entry has both languages and the same placeholders."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from collector.cli import cli
from collector.config import ENV
from collector.errors import ConfigError
from collector.i18n import LANGUAGES, MESSAGES, language
from tests.collector.test_collect_cli import SECRET, Peer, peer  # noqa: F401 - the fixture
from tests.catalogue import fields
from tests.conftest import PROJECT_ROOT


def test_every_entry_has_both_languages_and_the_same_placeholders() -> None:
    assert LANGUAGES == ("en", "vi")
    for key, (en, vi) in MESSAGES.items():
        assert en.strip() and vi.strip(), key
        assert fields(en) == fields(vi), key


def test_every_key_the_collector_uses_is_in_the_catalogue() -> None:
    used: dict[str, Path] = {}
    for path in (PROJECT_ROOT / "collector").rglob("*.py"):
        for key in re.findall(r"""(?:\btext|\.of|\bmessage)\(\s*"([a-z0-9_]+)\"""", path.read_text(encoding="utf-8")):
            used[key] = path
    assert len(used) > 60  # the scan found the calls, not nothing
    missing = {key: str(path) for key, path in used.items() if key not in MESSAGES}
    assert not missing


@pytest.fixture
def closed_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now


def collect(tmp_path: Path, *args: str, lang_env: str = "", config: str = "[collector]\nsource = native\n"
            ) -> subprocess.CompletedProcess[str]:
    """``python -m collector COMMAND --config ... --state-dir ... ARGS`` in a clean environment
    (an English locale, no PATCHGAP_ settings but PATCHGAP_LANG=``lang_env`` when given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_") and k not in ("LANG", "LANGUAGE")}
    env.update(LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    if lang_env:
        env["PATCHGAP_LANG"] = lang_env
    ini = tmp_path / "collector.ini"
    ini.write_text(config, encoding="utf-8")
    command = [sys.executable, "-m", "collector", args[0], "--config", str(ini), "--state-dir", str(tmp_path / "st"),
               *args[1:]]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=PROJECT_ROOT, env=env,
                          timeout=120)


def test_once_against_an_unreachable_server_spools_and_says_so_in_vietnamese(tmp_path: Path,
                                                                             closed_url: str) -> None:
    done = collect(tmp_path, "once", "--lang", "vi", "--server", closed_url, "--enroll-secret", SECRET)
    assert done.returncode == 75, done.stderr
    [path] = sorted((tmp_path / "st" / "spool").glob("*.json.gz"))
    assert f"không kết nối được máy chủ (không kết nối được tới {closed_url}/api/v1/enroll" in done.stderr
    assert f"báo cáo đã vào hàng đợi tại {path}, sẽ được gửi ở lần kết nối thành công tiếp theo" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_spooled_report_then_goes_first_and_both_are_told_in_vietnamese(tmp_path: Path, closed_url: str,
                                                                          peer: Peer) -> None:
    assert collect(tmp_path, "once", "--server", closed_url, "--enroll-secret", SECRET,
                   lang_env="vi").returncode == 75
    done = collect(tmp_path, "once", "-v", "--server", peer.url, "--enroll-secret", SECRET, lang_env="vi")
    assert done.returncode == 0, done.stderr
    assert f"INFO: đã đăng ký với {peer.url} là máy số 7" in done.stderr
    assert "INFO: đã gửi trước 1 báo cáo trong hàng đợi" in done.stderr
    assert re.fullmatch(rf"đã gửi báo cáo tới {re.escape(peer.url)}: \d+ phần mềm, 3 lỗ hổng chưa xử lý\n",
                        done.stdout), done.stdout
    assert list((tmp_path / "st" / "spool").glob("*.json.gz")) == []


def test_show_with_a_bad_config_is_one_vietnamese_line(tmp_path: Path) -> None:
    no_section = collect(tmp_path, "show", config="[other]\nserver = https://x\n", lang_env="vi")
    assert no_section.returncode == 2
    assert no_section.stderr == f"Error: tệp cấu hình {tmp_path / 'collector.ini'} không có mục [collector]\n"
    bad_url = collect(tmp_path, "once", "--lang", "vi", config="[collector]\nserver = patchgap.local\n")
    assert bad_url.returncode == 2
    assert ("server trong " in bad_url.stderr and "địa chỉ máy chủ 'patchgap.local' cần có http:// hoặc https://"
            in bad_url.stderr)
    unknown = collect(tmp_path, "show", "--lang", "vi", config="[collector]\nsevrer = https://x\n")
    assert unknown.returncode == 2 and "thiết lập không hợp lệ sevrer trong mục [collector]" in unknown.stderr


def test_show_prints_its_summary_in_vietnamese_and_lang_beats_the_environment(tmp_path: Path) -> None:
    vietnamese = collect(tmp_path, "show", "--limit", "2", lang_env="vi")
    assert vietnamese.returncode == 0, vietnamese.stderr
    lines = vietnamese.stdout.splitlines()
    assert lines[0].startswith("Máy           ") and lines[3].startswith("Phần mềm      ")
    assert "TÊN" in vietnamese.stdout and "PHIÊN BẢN" in vietnamese.stdout and "(--json để xem hết)" in lines[-1]
    english = collect(tmp_path, "show", "--limit", "2", "--lang", "en", lang_env="vi")
    assert english.returncode == 0 and english.stdout.startswith("Host       ") and "NAME" in english.stdout


def test_a_command_in_vietnamese_leaves_the_next_one_to_choose_again(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*ENV.values(), "PATCHGAP_LANG"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    ini = tmp_path / "collector.ini"
    ini.write_text("[collector]\nsource = native\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["once", "--config", str(ini), "--state-dir", str(tmp_path), "--lang", "vi"])
    assert result.exit_code == 2 and "chưa có máy chủ: dùng --server URL" in result.stderr
    assert language() == "en"
    assert str(ConfigError.of("config_no_server")).startswith("no server: give --server URL")
