"""Verdicts from outcomes and properties, and their table."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from harness.report.verdict_table import print_verdicts
from harness.report.verdicts import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    WARN,
    CheckVerdict,
    Properties,
    Verdict,
    verdict_of,
)


def test_warn_marks_the_verdict_once_and_keeps_every_warning() -> None:
    properties: Properties = [("reference", "RFC 6749 §5.1")]
    verdict = Verdict(properties)
    verdict.warn("no Cache-Control: no-store")
    verdict.warn("second")
    verdict.observe("seen")
    assert properties.count(("verdict", "warn")) == 1
    assert verdict.warnings == ["no Cache-Control: no-store", "second"]
    assert verdict_of("passed", None, properties) == WARN


def test_outcomes_map_to_verdicts() -> None:
    assert verdict_of("passed", None, []) == PASS
    assert verdict_of("failed", "boom", [("verdict", "warn")]) == FAIL
    assert verdict_of("skipped", "not applicable: needs a clock", []) == NOT_APPLICABLE


def test_check_verdict_reason_and_references() -> None:
    props: Properties = [("reference", "A"), ("observed", "x"), ("reference", "B")]
    row = CheckVerdict.of("f.py::test_thing[one]", "passed", None, props)
    assert (row.check, row.verdict, row.reason, row.references) == (
        "thing[one]",
        PASS,
        "x",
        ("A", "B"),
    )
    skipped = CheckVerdict.of("f.py::test_t", "skipped", "not applicable: needs a clock", [])
    assert skipped.reason == "needs a clock"


def test_table_prints_each_check_and_the_counts() -> None:
    out = StringIO()
    rows = [
        CheckVerdict("a", "f::test_a", PASS, "", ("RFC 1",)),
        CheckVerdict("b", "f::test_b", FAIL, "seen [x] not [y]", ()),
        CheckVerdict("c", "f::test_c", NOT_APPLICABLE, "needs a clock", ()),
    ]
    print_verdicts(rows, Console(file=out, width=200), title="T", wall_s=1.25)
    text = out.getvalue()
    assert "seen [x] not [y]" in text  # markup in reasons is printed, not interpreted
    assert "1 pass, 1 not applicable, 1 fail in 1.2 s" in text
