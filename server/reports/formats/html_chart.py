"""The 12-week trend as an inline SVG line chart: open gaps, overdue gaps and
hosts reporting, with axes, week labels and a legend from the catalogue. No
scripts, no external references: it prints as drawn."""
from __future__ import annotations

import math
from html import escape

from server.reports.i18n import label, phrase
from server.reports.model import TrendPoint

WIDTH, HEIGHT = 660, 320
LEFT, RIGHT, TOP, BOTTOM = 58, 14, 46, 58
# (catalogue key, colour, dash pattern, value)
SERIES = (
    ("trend_open", "#1f5fa8", "", lambda p: p.open_gaps),
    ("trend_overdue", "#b3261e", "", lambda p: p.overdue_gaps),
    ("trend_reporting", "#2e7d32", "7 4", lambda p: p.reporting),
)


def _scale(peak: int) -> tuple[int, int]:
    """A round top of the y axis and its tick step (about five ticks)."""
    if peak <= 0:
        return 5, 1  # nothing to draw yet: an axis from 0 to 5
    raw = peak / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(round(step)))
    return step * math.ceil(peak / step), step


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _legend(lang: str) -> list[str]:
    parts, x = [], float(LEFT)
    for key, colour, dash, _ in SERIES:
        name = phrase(key, lang)
        parts.append(f'<line x1="{x:.1f}" y1="16" x2="{x + 26:.1f}" y2="16" stroke="{colour}" stroke-width="3"'
                     f' stroke-dasharray="{dash or "none"}"/>')
        parts.append(_text(x + 32, 20, name, font_size="12"))
        x += 32 + 7.2 * len(name) + 26
    return parts


def trend_svg(points: list[TrendPoint], lang: str) -> str:
    """The chart as an ``<svg>`` element ("" when there is no trend)."""
    if not points:
        return ""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top, step = _scale(max(max(value(p) for p in points) for *_, value in SERIES))

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    title = phrase("chart_title", lang)
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for tick in range(0, top + 1, step):
        parts.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                     f'stroke="#d0d0d0" stroke-width="0.8"/>')
        parts.append(_text(LEFT - 6, y(tick) + 4, str(tick), font_size="11", text_anchor="end"))
    parts.append(f'<polyline points="{LEFT},{TOP} {LEFT},{TOP + plot_h} {WIDTH - RIGHT},{TOP + plot_h}" '
                 f'fill="none" stroke="#000" stroke-width="1.2"/>')
    for i, point in enumerate(points):
        parts.append(_text(x(i), TOP + plot_h + 15, point.iso_week.rsplit("-", 1)[-1], font_size="10.5",
                           text_anchor="middle"))
        parts.append(_text(x(i), TOP + plot_h + 28, point.week_end.strftime("%d/%m"), font_size="9.5",
                           text_anchor="middle", fill="#555"))
    parts.append(_text(LEFT + plot_w / 2, HEIGHT - 6, label("iso_week", lang), font_size="12",
                       text_anchor="middle"))
    parts.append(_text(14, TOP + plot_h / 2, phrase("chart_count", lang), font_size="12", text_anchor="middle",
                       transform=f"rotate(-90 14 {TOP + plot_h / 2:.1f})"))
    parts.extend(_legend(lang))
    for _, colour, dash, value in SERIES:
        coords = " ".join(f"{x(i):.1f},{y(value(p)):.1f}" for i, p in enumerate(points))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.4"'
                     f' stroke-dasharray="{dash or "none"}" stroke-linejoin="round"/>')
        parts.extend(f'<circle cx="{x(i):.1f}" cy="{y(value(p)):.1f}" r="3" fill="{colour}"/>'
                     for i, p in enumerate(points))
    parts.append("</svg>")
    return "\n".join(parts)
