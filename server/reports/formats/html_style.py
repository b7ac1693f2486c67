"""The HTML report's stylesheet: A4 portrait pages with numbered footers, one
section per page, headers repeated and rows kept whole across pages.

Fonts are only named, never loaded: the stack prefers Times New Roman (the
typeface of Vietnamese administrative documents, Decree 30/2020/NĐ-CP) and
falls back to faces with Vietnamese glyphs that Debian installs with
Chromium or fonts-dejavu-core."""
from __future__ import annotations

from server.reports.i18n import phrase

FONTS = '"Times New Roman", "Liberation Serif", "DejaVu Serif", "Noto Serif", serif'

CSS = """
@page {
  size: A4 portrait;
  margin: 20mm 15mm 18mm 25mm;
  @bottom-center { content: PAGE_TEXT; font: 9pt FONTS; color: #333; }
}
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box; }
html { font-family: FONTS; font-size: 11.5pt; color: #000; line-height: 1.3; }
body { margin: 0; }
@media screen { body { max-width: 190mm; margin: 10mm auto; padding: 0 6mm; } }
.masthead { display: grid; grid-template-columns: 42% 58%; text-align: center; margin-bottom: 6mm; }
.unit-name { font-weight: bold; font-size: 11.5pt; text-transform: none; }
.nation-name { font-weight: bold; font-size: 11.5pt; white-space: nowrap; }
.motto { font-weight: bold; font-size: 12.5pt; display: inline-block; border-bottom: 0.8pt solid #000;
         padding-bottom: 1pt; }
.short-rule { width: 30%; margin: 1.5mm auto 2.5mm; border-top: 0.8pt solid #000; }
.document-number { font-size: 11.5pt; }
.place-date { font-style: italic; margin-top: 3mm; }
h1 { font-size: 14pt; text-align: center; margin: 2mm 0 1mm; }
.week { text-align: center; font-style: italic; margin: 0 0 6mm; }
.plain-header p { margin: 0.5mm 0; }
.plain-header h1 { text-align: left; }
section + section { break-before: page; }
h2 { font-size: 13pt; margin: 0 0 3mm; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 1.5mm; break-after: avoid; }
p.note { margin: 0.5mm 0; font-size: 10pt; break-after: avoid; }
p.alert { font-weight: bold; padding: 0.8mm 2mm; border-left: 3pt solid; margin: 1mm 0; }
p.due-soon { background: #fff0bf; border-color: #d99a00; }
p.overdue { background: #fbd9d3; border-color: #b3261e; color: #7a1610; }
p.none { font-style: italic; }
table.data { width: 100%; border-collapse: collapse; font-size: 9.5pt; margin-bottom: 3mm; }
table.wide { font-size: 7.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.6pt solid #555; padding: 0.8mm 1.2mm; vertical-align: top; overflow-wrap: break-word; }
th { background: #e6e6e6; font-weight: bold; text-align: center; vertical-align: middle; }
td.host, td.unit { white-space: nowrap; }
td.date { text-align: center; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.strong td { font-weight: bold; background: #f2f2f2; }
th.emphasis { background: #ffe08a; }
td.emphasis { font-weight: bold; background: #fff4cc; text-align: center; white-space: nowrap; }
tr.urgent td { background: #fdecea; }
figure.chart { margin: 0 0 4mm; break-inside: avoid; }
figure.chart figcaption { font-weight: bold; font-size: 10.5pt; margin-bottom: 1.5mm; }
figure.chart svg { width: 100%; height: auto; font-family: FONTS; }
.signatures { display: grid; grid-template-columns: 1fr 1fr; text-align: center; margin-top: 10mm;
              break-inside: avoid; }
.signatures .role { font-weight: bold; }
.signatures .hint { font-style: italic; font-size: 10pt; }
.signatures .space { height: 26mm; }
"""


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end the string or the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return f'"{escaped}"'


def stylesheet(lang: str) -> str:
    """The stylesheet, its page footer ("Trang 2 / 7") in ``lang``."""
    page_text = f'{_css_string(phrase("page", lang) + " ")} counter(page) " / " counter(pages)'
    return CSS.replace("PAGE_TEXT", page_text).replace("FONTS", FONTS)
