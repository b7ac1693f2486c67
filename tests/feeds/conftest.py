"""Fixtures for the feed tests: PDF letters the tests write themselves."""
from __future__ import annotations

from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="session")
def font() -> Path:
    """A Unicode font for Vietnamese letters (Debian's fonts-dejavu-core)."""
    if not FONT.is_file():
        pytest.skip(f"{FONT} missing: apt-get install -y fonts-dejavu-core (Vietnamese PDF letters)")
    return FONT


def make_pdf(path: Path, font: Path, text: str, **encryption: str) -> Path:
    """A one-column A4 letter; long lines wrap like a real letter's would."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=10)
    for line in text.splitlines():
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
