"""The collector's own words in English and Vietnamese.

A small catalogue of its own, because the collector never imports the server.
The language is chosen as the server chooses it: ``--lang``, else
``PATCHGAP_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``),
else English.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "vi")
ENV_LANG = "PATCHGAP_LANG"

MESSAGES: dict[str, tuple[str, str]] = {
    # install-service / uninstall-service: the dry run's lines, then the outcomes
    "service_write": ("==> write {path} ({encoding}, mode {mode})", "==> ghi tệp {path} ({encoding}, quyền {mode})"),
    "service_remove": ("==> remove {path}", "==> xóa tệp {path}"),
    "service_run": ("==> run: {command}", "==> chạy: {command}"),
    "service_run_may_fail": ("==> run (a failure is ignored): {command}", "==> chạy (bỏ qua nếu lỗi): {command}"),
    "service_dry_run": ("dry run for {os}: nothing was written or run", "chạy thử cho {os}: chưa ghi tệp hay chạy lệnh nào"),
    "service_installed": ("installed {name}: runs daily around 10:00 and after each boot: {command}",
                          "đã cài {name}: chạy hằng ngày khoảng 10:00 và sau mỗi lần khởi động: {command}"),
    "service_uninstalled": ("removed {name}; the config file, node key and spool stay",
                            "đã gỡ {name}; tệp cấu hình, khóa máy và hàng đợi báo cáo vẫn giữ nguyên"),
    "service_not_installed": ("{name} is not installed here: nothing to remove",
                              "máy này chưa cài {name}: không có gì để gỡ"),
    "service_unknown_os": ("this system ({platform}) is not linux, macos or windows: give --os with --dry-run",
                           "hệ thống này ({platform}) không phải linux, macos hay windows: dùng --os kèm --dry-run"),
    "service_other_os": ("--os {os} is not this machine ({here}): use it with --dry-run",
                         "--os {os} không phải hệ điều hành của máy này ({here}): chỉ dùng kèm --dry-run"),
    "service_no_manager": ("{manager} is not running here: the service cannot be installed (see --dry-run)",
                           "máy này không chạy {manager}: không cài được dịch vụ (xem --dry-run)"),
    "service_no_config": ("the service reads {path}, which does not exist: write a [collector] section with "
                          "server = URL (and enroll_secret = ... for the first run) there, or give --config PATH",
                          "dịch vụ đọc tệp {path} nhưng tệp này chưa có: tạo mục [collector] với server = URL "
                          "(và enroll_secret = ... cho lần chạy đầu) trong tệp đó, hoặc dùng --config PATH"),
    "service_bad_config": ("the service's config file is unusable: {error}",
                           "tệp cấu hình của dịch vụ không dùng được: {error}"),
    "service_config_no_server": ("{path} names no server: add server = https://... to its [collector] section",
                                 "tệp {path} chưa có máy chủ: thêm server = https://... vào mục [collector]"),
    "service_not_enrolled": ("{path} has no enroll_secret and this machine holds no node key yet (in {state_dir}): "
                             "add enroll_secret = ... to its [collector] section, or run "
                             "patchgap-collect once --enroll-secret ... first",
                             "tệp {path} chưa có enroll_secret và máy này chưa có khóa máy (trong {state_dir}): "
                             "thêm enroll_secret = ... vào mục [collector], hoặc chạy "
                             "patchgap-collect once --enroll-secret ... trước"),
    "service_write_failed": ("cannot write {path}: {error} (run as root / Administrator)",
                             "không ghi được tệp {path}: {error} (hãy chạy với quyền root / Administrator)"),
    "service_remove_failed": ("cannot remove {path}: {error} (run as root / Administrator)",
                              "không xóa được tệp {path}: {error} (hãy chạy với quyền root / Administrator)"),
    "service_command_failed": ("{command} failed (exit {code}): {output}",
                               "lệnh {command} bị lỗi (mã thoát {code}): {output}"),
    # python -m collector.build_zipapp: the single-file collector
    "zipapp_built": ("wrote {path} ({kib} KiB) with {packages}; run it with: python {path} show",
                     "đã tạo {path} ({kib} KiB) gồm {packages}; chạy bằng: python {path} show"),
    "zipapp_left_out": ("left out optional compiled parts (a zip holds only pure Python; the package uses its "
                        "pure-Python code instead): {files}",
                        "đã bỏ các phần biên dịch không bắt buộc (tệp zip chỉ chứa mã Python thuần; gói dùng "
                        "mã Python thuần thay thế): {files}"),
    "zipapp_needs_compiled": ("a dependency needs compiled parts, which a zip cannot load: {files}; "
                              "choose a pure-Python alternative for it",
                              "một gói phụ thuộc cần phần biên dịch mà tệp zip không nạp được: {files}; "
                              "hãy chọn gói thay thế viết bằng Python thuần"),
    "zipapp_pip_failed": ("pip could not fetch the collector's dependencies: {error}",
                          "pip không tải được các gói phụ thuộc của trình thu thập: {error}"),
    "zipapp_write_failed": ("cannot write {path}: {error}", "không ghi được tệp {path}: {error}"),
}


def language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``explicit`` when given, else ``PATCHGAP_LANG``, else vi for a Vietnamese locale, else en."""
    if explicit in LANGUAGES:
        return explicit
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENV_LANG, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


def message(key: str, lang: str, **values: object) -> str:
    """The catalogue entry ``key`` in ``lang``, filled with ``values``."""
    en, vi = MESSAGES[key]
    return (vi if lang == "vi" else en).format(**values)
