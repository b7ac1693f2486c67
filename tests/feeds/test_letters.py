"""National warning letters: PDFs generated here with Vietnamese text.

fpdf2 needs a Unicode TrueType font for Vietnamese: DejaVuSans from the Debian
package ``fonts-dejavu-core``. Without it the PDF tests skip.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.feeds.interface import FeedError
from server.feeds.letters import Letter, parse_letter_text, read_letter
from tests.feeds.conftest import make_pdf


LETTER_56 = """BỘ THÔNG TIN VÀ TRUYỀN THÔNG
CỤC AN TOÀN THÔNG TIN
Số: 56/CATTT-NCSC
V/v cảnh báo các lỗ hổng bảo mật ảnh hưởng cao và nghiêm trọng
trong các sản phẩm Microsoft công bố tháng 01/2022
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 12 tháng 01 năm 2022
Kính gửi:
- Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ;
- Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.
Ngày 11/01/2022, Microsoft đã phát hành danh sách bản vá tháng 01 với 97 lỗ hổng bảo mật trong \
các sản phẩm của mình, trong đó có 09 lỗ hổng mức độ nghiêm trọng và 88 lỗ hổng mức độ cao.
Các lỗ hổng có ảnh hưởng lớn, cần lưu ý:
1. Các lỗ hổng có mức độ Nghiêm trọng:
- CVE-2022-21907: Lỗ hổng trong HTTP Protocol Stack (http.sys) cho phép đối tượng tấn công thực \
thi mã từ xa. Điểm CVSS: 9.8.
2. Các lỗ hổng có mức độ Cao:
- CVE-2022-21846, CVE-2022-21969, CVE-2022-21855: Các lỗ hổng trong Microsoft Exchange Server \
cho phép đối tượng tấn công thực thi mã từ xa.
- CVE-2022-21919: Lỗ hổng trong Windows User Profile Service cho phép leo thang đặc quyền; lỗ \
hổng đã có mã khai thác công khai.
Đề nghị Quý Cơ quan chỉ đạo các đơn vị kiểm tra, rà soát, xác định máy bị ảnh hưởng; cập nhật \
bản vá kịp thời."""

LETTER_1547 = """BỘ THÔNG TIN VÀ TRUYỀN THÔNG
CỤC AN TOÀN THÔNG TIN
Số: 1547/CATTT-NCSC
V/v lỗ hổng bảo mật CVE-2022-40684 trong FortiOS, FortiProxy và FortiSwitchManager
Hà Nội, 10/10/2022
Kính gửi: Các đơn vị chuyên trách về CNTT.
Ngày 06/10/2022, Fortinet đã công bố bản vá cho lỗ hổng bảo mật CVE-2022-40684.
Lỗ hổng CVE-2022-40684 (điểm CVSS 9.6, mức độ Nghiêm trọng) cho phép đối tượng tấn công không \
cần xác thực vượt qua xác thực trên giao diện quản trị. Hiện lỗ hổng này đang bị khai thác trong \
thực tế.
Phiên bản bị ảnh hưởng: FortiOS từ 7.0.0 đến 7.0.6 và từ 7.2.0 đến 7.2.1."""

LETTER_912 = """UBND TỈNH QUẢNG NAM
SỞ THÔNG TIN VÀ TRUYỀN THÔNG
Số: 912/STTTT-CNTT
V/v cảnh báo lỗ hổng bảo mật trong các sản phẩm Microsoft
công bố tháng 5/2024
Quảng Nam, 17/05/2024
Kính gửi: Các cơ quan, đơn vị, địa phương trên địa bàn tỉnh.
Thực hiện Công văn số 845/CATTT-NCSC ngày 15/05/2024 của Cục An toàn thông tin, Sở Thông tin và \
Truyền thông thông báo các lỗ hổng sau:
STT | Mã lỗ hổng | Sản phẩm | Mức độ | Ghi chú
1 | CVE-2024-30044 | Microsoft SharePoint Server | Nghiêm trọng |
2 | CVE-2024-30051 | Windows DWM Core Library | Cao | Đang bị khai thác
3 | CVE-2024-30040 | Windows MSHTML Platform | Cao | Đang bị khai thác
4 | CVE-2024-30049 | Windows Win32 Kernel Subsystem | Cao |
Mức độ Trung bình:
- CVE-2024-30046: Lỗ hổng từ chối dịch vụ trong .NET và Visual Studio, đã có mã khai thác công khai.
Thấp:
- CVE-2024-30059: Lỗ hổng trong ứng dụng Microsoft Intune cho Android.
Trong đó, chưa ghi nhận lỗ hổng CVE-2024-30046 đang bị khai thác trong thực tế.
Các lỗ hổng sau đã bị khai thác:
- CVE-2024-30051
- CVE-2024-30040
Đề nghị các cơ quan, đơn vị kiểm tra, rà soát, cập nhật bản vá kịp thời.
Phụ lục: CVE-2024-30051, CVE-2024-30044 và CVE-2024-4671 (Microsoft Edge)."""




def test_microsoft_monthly_letter(tmp_path: Path, font: Path) -> None:
    letter = read_letter(make_pdf(tmp_path / "56.pdf", font, LETTER_56))
    assert isinstance(letter, Letter)
    assert letter.number == "56/CATTT-NCSC"
    assert letter.date == dt.date(2022, 1, 12)
    assert letter.subject == ("cảnh báo các lỗ hổng bảo mật ảnh hưởng cao và nghiêm trọng "
                              "trong các sản phẩm Microsoft công bố tháng 01/2022")
    assert letter.cve_ids == ("CVE-2022-21907", "CVE-2022-21846", "CVE-2022-21969",
                              "CVE-2022-21855", "CVE-2022-21919")
    assert letter.severities == (("CVE-2022-21907", "critical"), ("CVE-2022-21846", "high"),
                                 ("CVE-2022-21969", "high"), ("CVE-2022-21855", "high"),
                                 ("CVE-2022-21919", "high"))
    assert letter.exploited == ()
    assert "Hạnh phúc" in letter.text and "Ủy ban nhân dân" in letter.text


def test_exploited_single_cve_letter(tmp_path: Path, font: Path) -> None:
    letter = read_letter(make_pdf(tmp_path / "1547.pdf", font, LETTER_1547))
    assert (letter.number, letter.date, letter.cve_ids) == (
        "1547/CATTT-NCSC", dt.date(2022, 10, 10), ("CVE-2022-40684",))
    assert letter.subject == ("lỗ hổng bảo mật CVE-2022-40684 trong FortiOS, FortiProxy và "
                              "FortiSwitchManager")
    assert letter.severity_of("CVE-2022-40684") == "critical"
    assert letter.exploited == ("CVE-2022-40684",)  # "lỗ hổng này đang bị khai thác"


def test_relayed_letter_with_table(tmp_path: Path, font: Path) -> None:
    letter = read_letter(make_pdf(tmp_path / "912.pdf", font, LETTER_912))
    assert (letter.number, letter.date) == ("912/STTTT-CNTT", dt.date(2024, 5, 17))
    assert letter.subject == "cảnh báo lỗ hổng bảo mật trong các sản phẩm Microsoft công bố tháng 5/2024"
    assert letter.cve_ids == ("CVE-2024-30044", "CVE-2024-30051", "CVE-2024-30040",
                              "CVE-2024-30049", "CVE-2024-30046", "CVE-2024-30059",
                              "CVE-2024-4671")
    assert dict(letter.severities) == {
        "CVE-2024-30044": "critical", "CVE-2024-30051": "high", "CVE-2024-30040": "high",
        "CVE-2024-30049": "high", "CVE-2024-30046": "medium", "CVE-2024-30059": "low"}
    assert letter.severity_of("CVE-2024-4671") == ""  # only named in the annex
    assert letter.exploited == ("CVE-2024-30051", "CVE-2024-30040")


def test_owner_password_only_opens(tmp_path: Path, font: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", font, LETTER_1547, owner_password="chi-in")
    assert read_letter(path).cve_ids == ("CVE-2022-40684",)


def test_user_password_is_refused(tmp_path: Path, font: Path) -> None:
    path = make_pdf(tmp_path / "secret.pdf", font, LETTER_1547, owner_password="o",
                    user_password="u")
    with pytest.raises(FeedError, match="password-protected"):
        read_letter(path)


def test_pdf_without_text(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)  # a "scan": drawing, no text layer
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(FeedError, match="no text layer"):
        read_letter(path)


@pytest.mark.parametrize("content", [b"", b"Kinh gui: day khong phai PDF", b"%PDF-1.7\n%%EOF garbage"])
def test_not_a_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    with pytest.raises(FeedError):
        read_letter(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="cannot read"):
        read_letter(tmp_path / "nothing.pdf")


def test_text_rules_without_pdf() -> None:
    decomposed = "Số: 7/CATTT-NCSC\nngày 31 tháng 2 năm 2024, 05/03/2024\ncve‐2024‐3400 (Nghiêm trọng)"
    import unicodedata

    letter = parse_letter_text(unicodedata.normalize("NFD", decomposed))
    assert letter.number == "7/CATTT-NCSC"
    assert letter.date == dt.date(2024, 3, 5)  # 31/02 is no date: the next one is taken
    assert letter.cve_ids == ("CVE-2024-3400",)
    assert letter.severities == (("CVE-2024-3400", "critical"),)
    assert letter.text == decomposed  # NFC again
