"""grade.svg: the session grade as a badge in the shields.io flat style, for a README."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from harness.report.grade import START, Grade

LABEL = "session grade"
# shields.io's colours: brightgreen, green, yellowgreen, yellow, orange, red.
COLOURS = {"A": "#4c1", "B": "#97ca00", "C": "#dfb317", "D": "#fe7d37", "F": "#e05d44"}
CHAR_PX = 7  # Verdana 11px averages ~6.5 px a character; the pad keeps short texts clear
PAD_PX = 10

TEMPLATE = """\
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" \
aria-label="{label}: {value}">
<title>{label}: {value}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>\
<stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>\
<rect x="{left}" width="{right}" height="20" fill="{colour}"/>\
<rect width="{width}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" \
font-size="11">
<text x="{left_mid}" y="15" fill="#010101" fill-opacity=".3">{label}</text>\
<text x="{left_mid}" y="14">{label}</text>
<text x="{right_mid}" y="15" fill="#010101" fill-opacity=".3">{value}</text>\
<text x="{right_mid}" y="14">{value}</text>
</g>
</svg>
"""


def badge_svg(grade: Grade) -> str:
    value = f"{grade.letter} {grade.score}/{START}"
    left, right = _width(LABEL), _width(value)
    return TEMPLATE.format(
        width=left + right,
        left=left,
        right=right,
        left_mid=left / 2,
        right_mid=left + right / 2,
        colour=COLOURS[grade.letter[0]],
        label=escape(LABEL),
        value=escape(value),
    )


def write_badge(grade: Grade, directory: Path) -> Path:
    path = directory / "grade.svg"
    path.write_text(badge_svg(grade), encoding="utf-8")
    return path


def _width(text: str) -> int:
    return len(text) * CHAR_PX + PAD_PX
