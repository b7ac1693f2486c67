"""Column labels and phrases in English and Vietnamese (the words our users
use: see the national-warnings glossary). Dates print as dd/mm/yyyy."""
from __future__ import annotations

import datetime as dt

LABELS: dict[str, tuple[str, str]] = {
    "unit": ("Unit", "Đơn vị"),
    "hosts": ("Hosts", "Tổng số máy"),
    "reporting": ("Reported this week", "Báo cáo trong tuần"),
    "hosts_with_gaps": ("Hosts with open gaps", "Số máy chưa vá"),
    "compliant": ("Compliant", "Đạt"),
    "overdue_hosts": ("Overdue hosts", "Số máy quá hạn"),
    "open_findings": ("Open gaps", "Lỗ hổng chưa vá"),
    "host": ("Host", "Máy"),
    "uuid": ("UUID", "UUID"),
    "os": ("OS", "Hệ điều hành"),
    "build": ("Build", "Bản dựng"),
    "distro": ("Distro", "Bản phân phối"),
    "arch": ("Arch", "Kiến trúc"),
    "hardware": ("Hardware", "Phần cứng"),
    "collector": ("Collector", "Trình thu thập"),
    "enrolled": ("Enrolled", "Ngày đăng ký"),
    "software": ("Software", "Phần mềm"),
    "open_gaps": ("Open gaps", "Lỗ hổng chưa vá"),
    "last_report": ("Last report", "Báo cáo gần nhất"),
    "advisory": ("Warning / advisory", "Cảnh báo"),
    "severity": ("Severity", "Mức độ"),
    "cves": ("CVE", "CVE"),
    "item": ("Affected item", "Thành phần bị ảnh hưởng"),
    "installed": ("Installed", "Phiên bản hiện tại"),
    "fixed": ("Upgrade to", "Cập nhật lên"),
    "deadline": ("Deadline", "Thời hạn xử lý"),
    "overdue": ("Overdue", "Quá hạn"),
    "first_detected": ("First detected", "Phát hiện lần đầu"),
    "name": ("Name", "Tên"),
    "version": ("Version", "Phiên bản"),
    "ecosystem": ("Ecosystem", "Loại"),
    "source_package": ("Source package", "Gói nguồn"),
    "address": ("Address", "Địa chỉ"),
    "interface": ("Interface", "Giao diện"),
    "mac": ("MAC", "MAC"),
    "first_seen": ("First seen", "Thấy lần đầu"),
    "last_seen": ("Last seen", "Thấy lần cuối"),
    "kb": ("KB", "KB"),
    "installed_on": ("Installed on", "Ngày cài"),
    "description": ("Description", "Mô tả"),
    "number": ("Number", "Số công văn"),
    "issuing_body": ("Issued by", "Cơ quan ban hành"),
    "issued_on": ("Date", "Ngày"),
    "subject": ("Subject", "Trích yếu"),
    "products": ("Products", "Sản phẩm"),
    "affected_hosts": ("Affected hosts", "Số máy bị ảnh hưởng"),
    "prefix": ("Secret", "Mã bí mật"),
    "created": ("Created", "Ngày tạo"),
    "revoked": ("Revoked", "Đã thu hồi"),
    "verdict": ("Verdict", "Kết luận"),
    "reason": ("Reason", "Lý do"),
    "cve": ("CVE", "CVE"),
    "source": ("From advisory", "Theo khuyến cáo"),
    "status": ("Status", "Trạng thái"),
    "kind": ("Kind", "Loại nguồn"),
    "location": ("Location", "Địa chỉ nguồn"),
    "last_sync": ("Last sync", "Đồng bộ lần cuối"),
    "documents": ("Documents", "Số tài liệu"),
    "advisories": ("Advisories", "Số khuyến cáo"),
    "last_error": ("Last error", "Lỗi gần nhất"),
    "request": ("Request", "Yêu cầu số"),
    "requested": ("Requested", "Thời điểm yêu cầu"),
    "source_address": ("From address", "Từ địa chỉ"),
    "outcome": ("Outcome", "Kết quả"),
    "approve_new_hosts": ("New hosts need approval", "Máy mới cần phê duyệt"),
    "code": ("Code", "Mã đơn vị"),
    "parent": ("Part of", "Trực thuộc"),
    "hosts_in_tree": ("Hosts incl. units under it", "Tổng số máy (gồm đơn vị trực thuộc)"),
}

PHRASES: dict[str, tuple[str, str]] = {
    "weekly_title": ("Patch-gap report, week {start} – {end}", "Báo cáo tình hình vá lỗ hổng, tuần {start} – {end}"),
    "yes": ("yes", "có"),
    "no": ("no", "không"),
    "critical": ("critical", "nghiêm trọng"),
    "high": ("high", "cao"),
    "medium": ("medium", "trung bình"),
    "low": ("low", "thấp"),
    "TOTAL": ("TOTAL", "TỔNG"),
    "no_rows": ("(nothing to show)", "(không có dữ liệu)"),
    "gaps_of": ("Open gaps of {host}", "Lỗ hổng chưa vá của máy {host}"),
    # `warnings show`: how each CVE of a letter became products.
    "resolved": ("resolved through the feeds", "đã xác định qua nguồn khuyến cáo"),
    "templated": ("named in the admin's template rows", "có trong các dòng mẫu của quản trị viên"),
    "unresolved": ("needs an admin's row in the template", "cần quản trị viên bổ sung dòng vào mẫu"),
    "template": ("admin's template row", "dòng mẫu do quản trị viên nhập"),
    "warning_deadline": ("Deadline: {deadline}", "Thời hạn xử lý: {deadline}"),
    "warning_hosts": ("Affected hosts: {hosts}", "Số máy bị ảnh hưởng: {hosts}"),
    "no_deadline": ("none", "chưa có"),
    # Host identity: enrollment outcomes, reasons and the admin's decisions.
    "enrolled": ("enrolled", "đã đăng ký"),
    "rekeyed": ("re-keyed with proof", "cấp lại khóa (có xác thực)"),
    "pending": ("awaiting approval", "chờ phê duyệt"),
    "approved": ("approved", "đã phê duyệt"),
    "denied": ("denied", "đã từ chối"),
    "superseded": ("superseded", "đã bị thay thế"),
    "bad_secret": ("wrong secret", "sai mã bí mật"),
    "refused": ("refused", "bị từ chối"),
    "new_host_needs_approval": ("the unit approves new hosts", "đơn vị yêu cầu phê duyệt máy mới"),
    "no_proof": ("known host without its current node key", "máy đã có nhưng không gửi khóa hiện tại"),
    "wrong_key": ("known host with a key that is not its current one", "máy đã có nhưng gửi khóa không đúng"),
    "host_revoked": ("host revoked by an admin", "máy đã bị quản trị viên thu hồi"),
    "other_unit": ("host belongs to another unit", "máy thuộc đơn vị khác"),
    "unknown_secret": ("unknown or revoked secret", "mã bí mật không tồn tại hoặc đã thu hồi"),
    "empty_uuid": ("no host uuid", "thiếu UUID của máy"),
    "host_approved": ("approved: {host} now reports to unit {unit}", "đã phê duyệt: máy {host} báo cáo về đơn vị {unit}"),
    "enrollment_denied": ("denied enrollment #{request} of {host}", "đã từ chối yêu cầu đăng ký số {request} của máy {host}"),
    "host_revoked_done": ("revoked {host}: its node key no longer works; it can return only through `patchgap host approve`",
                          "đã thu hồi máy {host}: khóa của máy không còn hiệu lực; chỉ có thể quay lại qua `patchgap host approve`"),
    "approval_on": ("unit {unit}: new hosts wait for `patchgap host approve`",
                    "đơn vị {unit}: máy mới phải chờ `patchgap host approve`"),
    "approval_off": ("unit {unit}: new hosts are enrolled at once", "đơn vị {unit}: máy mới được đăng ký ngay"),
    "unit_added": ("added unit {unit} (part of: {parent})", "đã thêm đơn vị {unit} (trực thuộc: {parent})"),
    "unit_moved": ("moved unit {unit} under {parent}", "đã chuyển đơn vị {unit} về trực thuộc {parent}"),
    "unit_renamed": ("renamed unit {old} to {unit}", "đã đổi tên đơn vị {old} thành {unit}"),
    "parent_or_root": ("give either --parent NAME or --root", "cần chỉ rõ --parent TÊN hoặc --root"),
}


def label(key: str, lang: str) -> str:
    en, vi = LABELS.get(key, (key, key))
    return vi if lang == "vi" else en


def phrase(key: str, lang: str, **values: object) -> str:
    en, vi = PHRASES.get(key, (key, key))
    return (vi if lang == "vi" else en).format(**values)


def date_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
