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
    # settings: flags, environment, config file
    "config_unreadable": ("cannot read config file {path}: {error}", "không đọc được tệp cấu hình {path}: {error}"),
    "config_not_ini": ("config file {path} is not valid INI: {error}",
                       "tệp cấu hình {path} không đúng định dạng INI: {error}"),
    "config_no_section": ("config file {path} has no [{section}] section",
                          "tệp cấu hình {path} không có mục [{section}]"),
    "config_unknown_keys": ("unknown setting(s) {names} in [{section}] of {path}; known: {known}",
                            "thiết lập không hợp lệ {names} trong mục [{section}] của {path}; "
                            "các thiết lập hợp lệ: {known}"),
    "config_origin_file": ("{setting} in {path}", "{setting} trong {path}"),
    "config_bad_server": ("{origin}: server URL {url!r} needs http:// or https:// and a host, "
                          "e.g. https://patchgap.example.org",
                          "{origin}: địa chỉ máy chủ {url!r} cần có http:// hoặc https:// và tên máy, "
                          "ví dụ https://patchgap.example.org"),
    "config_bad_bool": ("{origin}: {value!r} is not yes/no (use true/false, 1/0, yes/no, on/off)",
                        "{origin}: {value!r} không phải có/không (dùng true/false, 1/0, yes/no, on/off)"),
    "config_interval_not_number": ("{origin}: interval {value!r} is not a number of seconds",
                                   "{origin}: khoảng thời gian {value!r} không phải là số giây"),
    "config_interval_not_positive": ("{origin}: interval must be a positive number of seconds, not {value!r}",
                                     "{origin}: khoảng thời gian phải là số giây dương, không phải {value!r}"),
    "config_bad_source": ("{origin}: source {value!r} is not one of {choices}",
                          "{origin}: nguồn {value!r} không thuộc các lựa chọn {choices}"),
    "config_no_ca_cert": ("{origin}: CA certificate file {path} not found",
                          "{origin}: không tìm thấy tệp chứng chỉ CA {path}"),
    "config_no_server": ("no server: give --server URL (or PATCHGAP_SERVER, or server = in the config file)",
                         "chưa có máy chủ: dùng --server URL (hoặc PATCHGAP_SERVER, hoặc server = trong tệp cấu hình)"),
    "file_error": ("{path}: {error}", "lỗi tệp {path}: {error}"),
    # talking to the server
    "ca_cert_unloadable": ("cannot load CA certificate {path}: {error}", "không nạp được chứng chỉ CA {path}: {error}"),
    "server_unreachable": ("cannot reach {url}: {error}", "không kết nối được tới {url}: {error}"),
    "server_answered": ("{url} answered {status}: {detail}", "{url} trả lời mã {status}: {detail}"),
    "server_redirects": ("{url} redirects to {location}: set --server to the final URL",
                         "{url} chuyển hướng sang {location}: đặt --server là địa chỉ cuối cùng"),
    "server_refused": ("server refused the request ({status}): {detail}",
                       "máy chủ từ chối yêu cầu ({status}): {detail}"),
    "server_not_patchgap": ("{url} did not answer like a patchgap server (status {status})",
                            "{url} không trả lời như một máy chủ patchgap (mã {status})"),
    "enroll_bad_answer": ("unexpected enrollment answer from {server}: {error}",
                          "máy chủ {server} trả lời đăng ký không như mong đợi: {error}"),
    "report_bad_answer": ("unexpected report answer from {server}: {error}",
                          "máy chủ {server} trả lời báo cáo không như mong đợi: {error}"),
    "triage_bad_answer": ("unexpected triage answer from {server}: {error}",
                          "máy chủ {server} trả lời ảnh chụp kiểm tra không như mong đợi: {error}"),
    "not_enrolled": ("this collector is not enrolled: give --enroll-secret (or PATCHGAP_ENROLL_SECRET)",
                     "trình thu thập này chưa đăng ký: dùng --enroll-secret (hoặc PATCHGAP_ENROLL_SECRET)"),
    "enroll_pending": ("enrollment with {server} awaits an admin's approval (patchgap hosts --pending); "
                       "reports stay in the spool until then",
                       "đăng ký với {server} đang chờ quản trị viên duyệt (patchgap hosts --pending); "
                       "các báo cáo nằm trong hàng đợi cho đến lúc đó"),
    "enroll_other_unit": ("server put this host in unit {unit!r}, not {wanted!r} (the enroll secret decides)",
                          "máy chủ xếp máy này vào đơn vị {unit!r}, không phải {wanted!r} (enroll secret quyết định)"),
    "enrolled": ("enrolled with {server} as host {host_id} (unit {unit})",
                 "đã đăng ký với {server} là máy số {host_id} (đơn vị {unit})"),
    "node_key_refused": ("the server no longer accepts this node key; enrolling again",
                         "máy chủ không còn nhận khóa máy này; đang đăng ký lại"),
    "reenroll_failed": ("node key refused and enrolling again failed too ({error})",
                        "khóa máy bị từ chối và đăng ký lại cũng không được ({error})"),
    # the spool and delta reports
    "spool_full": ("spool {directory} full (limits: {files} files, {size} bytes): dropped the oldest report {name}",
                   "hàng đợi {directory} đã đầy (giới hạn: {files} tệp, {size} byte): đã bỏ báo cáo cũ nhất {name}"),
    "last_report_unreadable": ("ignoring the record of the last report ({path}: {error}); sending a full report",
                               "bỏ qua bản ghi báo cáo lần trước ({path}: {error}); gửi báo cáo đầy đủ"),
    "delta_refused": ("the server wants the full report ({error}); sending it",
                      "máy chủ cần báo cáo đầy đủ ({error}); đang gửi báo cáo đầy đủ"),
    # once / run
    "spool_flushed": ("delivered {count} spooled report(s) first",
                      "đã gửi trước {count} báo cáo trong hàng đợi"),
    "spool_set_aside": ("the server refused a spooled report; moved to {path}",
                        "máy chủ từ chối một báo cáo trong hàng đợi; đã chuyển sang {path}"),
    "report_spooled": ("server unreachable ({error}); report spooled to {path}, "
                       "it will be sent on the next successful contact",
                       "không kết nối được máy chủ ({error}); báo cáo đã vào hàng đợi tại {path}, "
                       "sẽ được gửi ở lần kết nối thành công tiếp theo"),
    "report_kept": ("{error}; report kept in {path}", "{error}; báo cáo được giữ tại {path}"),
    "report_kept_enroll": ("{error}; give --enroll-secret to enroll again; report kept in {path}",
                           "{error}; dùng --enroll-secret để đăng ký lại; báo cáo được giữ tại {path}"),
    "report_sent": ("report sent to {server}: {software} software",
                    "đã gửi báo cáo tới {server}: {software} phần mềm"),
    "report_sent_findings": ("report sent to {server}: {software} software, {findings} open findings",
                             "đã gửi báo cáo tới {server}: {software} phần mềm, {findings} lỗ hổng chưa xử lý"),
    "run_unexpected_error": ("unexpected error; trying again at the next interval",
                             "lỗi không lường trước; sẽ thử lại ở lần chạy tiếp theo"),
    "run_stopped": ("stopped", "đã dừng"),
    # show: the summary of the report
    "summary_host": ("Host", "Máy"),
    "summary_os": ("OS", "Hệ điều hành"),
    "summary_source": ("Source", "Nguồn"),
    "summary_software": ("Software", "Phần mềm"),
    "summary_patches": ("Patches", "Bản vá"),
    "summary_addresses": ("Addresses", "Địa chỉ"),
    "summary_host_line": ("{hostname} (uuid {uuid})", "{hostname} (uuid {uuid})"),
    "summary_os_line": ("{name} {version} ({labels}) {arch}, kernel {kernel}",
                        "{name} {version} ({labels}) {arch}, nhân {kernel}"),
    "summary_source_line": ("{source} (collector {version})", "{source} (trình thu thập {version})"),
    "summary_none": ("none", "không có"),
    "summary_name": ("NAME", "TÊN"),
    "summary_version": ("VERSION", "PHIÊN BẢN"),
    "summary_arch": ("ARCH", "KIẾN TRÚC"),
    "summary_source_package": ("SOURCE", "GÓI NGUỒN"),
    "summary_more": ("... and {count} more (--json for all)", "... và {count} phần mềm khác (--json để xem hết)"),
    # the triage snapshot the server asks for
    "triage_not_sent": ("triage snapshot not sent ({error}); the server asks again at the next report",
                        "chưa gửi được ảnh chụp kiểm tra ({error}); máy chủ sẽ yêu cầu lại ở báo cáo sau"),
    "triage_failed": ("triage snapshot failed ({error}); the server asks again at the next report",
                      "tạo ảnh chụp kiểm tra bị lỗi ({error}); máy chủ sẽ yêu cầu lại ở báo cáo sau"),
    "triage_sent": ("triage snapshot sent: {stored} checks ({cut} cut short), {skipped} skipped",
                    "đã gửi ảnh chụp kiểm tra: {stored} mục kiểm tra ({cut} bị cắt bớt), bỏ qua {skipped}"),
    "triage_needs_osquery": ("a triage snapshot on {system} needs osquery",
                             "ảnh chụp kiểm tra trên {system} cần có osquery"),
    "triage_queries_unreadable": ("cannot read the collector's triage queries: {error}",
                                  "không đọc được các truy vấn kiểm tra của trình thu thập: {error}"),
    # inventory sources
    "source_cannot_load": ("the {name} source cannot be loaded here: {error}",
                           "không nạp được nguồn {name} trên máy này: {error}"),
    "source_unavailable": ("source {name} unavailable: {error}", "nguồn {name} không dùng được: {error}"),
    "no_source": ("no inventory source can run here ({reasons})",
                  "không có nguồn kiểm kê nào chạy được trên máy này ({reasons})"),
    "unknown_source": ("unknown source {name!r}: choose one of {choices}",
                       "nguồn không hợp lệ {name!r}: chọn một trong {choices}"),
    "native_unsupported": ("osquery is required on {system} for now: install osquery "
                           "(https://osquery.io/downloads) and run with --source osquery (or auto); "
                           "the native source only reads Linux package databases",
                           "hiện cần osquery trên {system}: hãy cài osquery (https://osquery.io/downloads) "
                           "và chạy với --source osquery (hoặc auto); nguồn native chỉ đọc "
                           "cơ sở dữ liệu gói của Linux"),
    "native_no_package_db": ("no package database found (no {dpkg_status}, no rpm): "
                             "install osquery to inventory this machine",
                             "không tìm thấy cơ sở dữ liệu gói (không có {dpkg_status}, không có rpm): "
                             "hãy cài osquery để kiểm kê máy này"),
    "rpm_unqueryable": ("rpm is installed but could not be queried; using dpkg only",
                        "đã cài rpm nhưng không truy vấn được; chỉ dùng dpkg"),
    "rpm_cannot_run": ("cannot run {rpm}: {error}", "không chạy được {rpm}: {error}"),
    "rpm_failed": ("{rpm} -qa failed ({code}): {output}", "lệnh {rpm} -qa bị lỗi ({code}): {output}"),
    "dpkg_unreadable": ("cannot read dpkg status file {path}: {error}",
                        "không đọc được tệp trạng thái dpkg {path}: {error}"),
    "host_id_generated": ("no machine id found; generated host id {value} and stored it in {path}",
                          "không tìm thấy mã máy; đã tạo mã máy {value} và lưu vào {path}"),
    "osquery_queries_unreadable": ("cannot read the collector's osquery queries: {error}",
                                   "không đọc được các truy vấn osquery của trình thu thập: {error}"),
    "osquery_not_installed": ("osquery is not installed: no extension socket at {socket} and no osqueryd binary",
                              "chưa cài osquery: không có socket tiện ích tại {socket} và không có tệp osqueryd"),
    "osquery_query_skipped": ("skipped osquery query {name}: {error}", "đã bỏ qua truy vấn osquery {name}: {error}"),
    "osquery_no_uuid": ("osquery reported no system uuid for this host",
                        "osquery không cho biết uuid hệ thống của máy này"),
    "osquery_no_socket": ("no osquery extension socket at {socket}", "không có socket tiện ích osquery tại {socket}"),
    "osquery_not_answering": ("osquery is not answering on {socket}", "osquery không trả lời tại {socket}"),
    "osquery_ping_failed": ("osquery ping failed: {error}", "ping osquery không thành công: {error}"),
    "osquery_not_connected": ("osquery client is not connected", "trình khách osquery chưa kết nối"),
    "osquery_connection_lost": ("lost the connection to osquery at {socket}: {error}",
                                "mất kết nối tới osquery tại {socket}: {error}"),
    "osqueryd_missing": ("no osqueryd binary at {path}", "không có tệp osqueryd tại {path}"),
    "osqueryd_cannot_start": ("cannot start {path}: {error}", "không khởi động được {path}: {error}"),
    "osqueryd_no_socket": ("{path} did not open {socket}: {output}", "{path} không mở được {socket}: {output}"),
    "osqueryd_no_output": ("no output", "không có đầu ra"),
    "osquery_refused_query": ("osquery refused the query: {error}", "osquery từ chối truy vấn: {error}"),
    "osquery_no_rows": ("{name} returned no rows", "truy vấn {name} không trả về dòng nào"),
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


def message(key: str, lang: str, /, **values: object) -> str:
    """The catalogue entry ``key`` in ``lang``, filled with ``values``."""
    en, vi = MESSAGES[key]
    return (vi if lang == "vi" else en).format(**values)


# The language of the running command: set once by the CLI from --lang, so the
# library's errors and log lines speak it without passing it through every call.
_current: str | None = None


def use(lang: str | None) -> None:
    """Speak ``lang`` from now on; None goes back to PATCHGAP_LANG / the locale."""
    global _current
    _current = lang if lang in LANGUAGES else None


def current() -> str:
    """The language in use: the one the command chose, else :func:`language`."""
    return _current or language()


def text(key: str, /, **values: object) -> str:
    """The catalogue entry ``key`` in the current language."""
    return message(key, current(), **values)
