"""The session grade: the published scoring table, the bands, and what scores nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from harness.report.grade import BANDS, SCORING, UNGRADED, Grade, grade, graded, letter
from harness.report.verdicts import FAIL, NOT_APPLICABLE, PASS, WARN, CheckVerdict

CONFORMANCE = Path(__file__).resolve().parents[2] / "scenarios" / "conformance"
STANDARDS = ("RFC ", "OWASP ASVS 5.0 ", "WSTG-SESS-", "WSTG-ATHZ-", "FAPI 2.0 ")


def row(check: str, verdict: str) -> CheckVerdict:
    return CheckVerdict(check, f"scenarios/conformance/x.py::test_{check}", verdict, "", ())


def all_passing() -> list[CheckVerdict]:
    return [row(rule.check, PASS) for rule in SCORING]


def with_verdict(check: str, verdict: str) -> list[CheckVerdict]:
    return [row(r.check, verdict if r.check == check else r.verdict) for r in all_passing()]


def conformance_checks() -> set[str]:
    names = set()
    for source in CONFORMANCE.glob("test_*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            if node.name.startswith("test_"):
                names.add(node.name.removeprefix("test_"))
    return names


def test_every_conformance_check_is_scored_or_named_ungraded() -> None:
    scored = {rule.check for rule in SCORING}
    assert len(scored) == len(SCORING)  # one row per check
    assert conformance_checks() == scored | UNGRADED


def test_every_deduction_names_a_standard_and_costs_something() -> None:
    for rule in SCORING:
        assert rule.reference.startswith(STANDARDS), rule
        assert rule.fail > 0 and rule.warn >= 0 and rule.warn <= rule.fail, rule


def test_every_check_passing_is_an_a_plus_with_no_deduction() -> None:
    assert grade(all_passing()) == Grade("A+", 100, (), len(SCORING))


def test_a_not_applicable_check_deducts_nothing() -> None:
    verdicts = with_verdict("refresh_cookie_is_secure_on_https", NOT_APPLICABLE)
    result = grade(verdicts)
    assert (result.letter, result.score, result.deductions) == ("A+", 100, ())
    assert result.graded == len(SCORING) - 1


def test_a_failed_rotation_deducts_its_points_and_names_its_reference() -> None:
    result = grade(with_verdict("refresh_rotates_the_refresh_token", FAIL))
    assert (result.letter, result.score) == ("B+", 80)
    [deduction] = result.deductions
    assert str(deduction) == "-20 no refresh token rotation (RFC 9700 §4.14.2)"
    assert result.line() == (
        "Session grade: B+ (80/100): -20 no refresh token rotation (RFC 9700 §4.14.2)"
    )


def test_a_warn_deducts_the_warn_points_with_its_own_finding() -> None:
    check = "replayed_refresh_token_is_refused_and_revokes_the_family"
    [deduction] = grade(with_verdict(check, WARN)).deductions
    assert deduction.points == 10
    assert deduction.finding == "replay refused without revoking the family"


def test_a_warn_on_a_check_whose_warn_costs_nothing_deducts_nothing() -> None:
    assert grade(with_verdict("refresh_rotates_the_refresh_token", WARN)).deductions == ()


def test_a_parametrised_check_is_one_finding_judged_by_its_worst_case() -> None:
    verdicts = [
        row("forged_access_token_is_rejected[tampered]", PASS),
        row("forged_access_token_is_rejected[alg_none]", FAIL),
        row("forged_access_token_is_rejected[other_key]", FAIL),
        row("token_response_is_not_stored[login]", WARN),
        row("token_response_is_not_stored[refresh]", PASS),
    ]
    result = grade(verdicts)
    assert [(d.check, d.points) for d in result.deductions] == [
        ("forged_access_token_is_rejected", 50),
        ("token_response_is_not_stored", 5),
    ]
    assert (result.score, result.graded) == (45, 2)


def test_deductions_come_costliest_first_and_the_score_stops_at_zero() -> None:
    result = grade([row(rule.check, FAIL) for rule in SCORING])
    points = [d.points for d in result.deductions]
    assert points == sorted(points, reverse=True)
    assert (result.letter, result.score) == ("F", 0)


@pytest.mark.parametrize(
    ("score", "deductions", "expected"),
    [
        (100, 0, "A+"),
        (99, 1, "A"),
        (90, 1, "A"),
        (89, 1, "A-"),
        (80, 1, "B+"),
        (79, 1, "B"),
        (65, 1, "B-"),
        (60, 1, "C+"),
        (50, 1, "C"),
        (45, 1, "C-"),
        (40, 1, "D+"),
        (30, 1, "D"),
        (25, 1, "D-"),
        (24, 1, "F"),
        (0, 3, "F"),
    ],
)
def test_score_bands_are_the_observatory_ones(score: int, deductions: int, expected: str) -> None:
    assert letter(score, deductions) == expected


def test_bands_run_from_best_to_worst_down_to_zero() -> None:
    lowest = [low for low, _ in BANDS]
    assert lowest == sorted(lowest, reverse=True) and lowest[-1] == 0


def test_no_grade_without_a_graded_verdict() -> None:
    only = [row("the_session_policy_as_measured", PASS), row("idle_session_x", FAIL)]
    assert graded(only) is None
    assert graded([row("refresh_cookie_is_http_only", NOT_APPLICABLE)]) is None
    assert graded(all_passing()) == grade(all_passing())


def test_to_dict_carries_letter_score_and_each_deduction() -> None:
    result = grade(with_verdict("refresh_cookie_has_same_site", FAIL))
    assert result.to_dict() == {
        "letter": "A",
        "score": 90,
        "graded": len(SCORING),
        "deductions": [
            {
                "points": 10,
                "finding": "refresh cookie without SameSite",
                "reference": "WSTG-SESS-02",
                "check": "refresh_cookie_has_same_site",
            }
        ],
    }


def test_the_scoring_table_is_published_in_the_docs_as_it_is_scored() -> None:
    docs = (CONFORMANCE.parents[1] / "docs" / "conformance.md").read_text(encoding="utf-8")
    for rule in SCORING:
        warn = f"-{rule.warn} {rule.warn_finding}" if rule.warn else "0"
        fail = f"-{rule.fail} {rule.finding}"
        published = f"| `{rule.check}` | {fail} | {warn} | {rule.reference} |"
        assert published in docs, published
