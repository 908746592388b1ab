"""grade.svg: a well-formed badge that says the letter and the score in the letter's colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.report.badge import COLOURS, badge_svg, write_badge
from harness.report.grade import Deduction, Grade

SVG = "{http://www.w3.org/2000/svg}"


def test_badge_is_svg_with_the_grade_in_its_colour_and_title(tmp_path: Path) -> None:
    result = Grade("B-", 65, (Deduction(35, "x", "RFC 9700 §4.14.2", "c"),), 20)
    path = write_badge(result, tmp_path)
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert path.name == "grade.svg" and root.tag == f"{SVG}svg"
    assert root.get("height") == "20" and root.get("aria-label") == "session grade: B- 65/100"
    assert root.findtext(f"{SVG}title") == "session grade: B- 65/100"
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert COLOURS["B"] in fills


def test_badge_widens_with_its_text() -> None:
    narrow = ET.fromstring(badge_svg(Grade("F", 0, (), 1)))
    wide = ET.fromstring(badge_svg(Grade("A+", 100, (), 1)))
    assert int(wide.get("width", "0")) > int(narrow.get("width", "0"))
