from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harness.events import RequestSent
from harness.report.model import (
    FAILED,
    NOT_APPLICABLE,
    NOT_COVERED,
    NOT_RUN,
    PASSED,
    SKIPPED,
    RunResult,
    TestResult,
    combine,
)
from harness.story import default_story

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def result(
    test_id: str,
    status: str,
    *,
    suite: str = "api",
    ac: list[str] | None = None,
    scenarios: list[str] | None = None,
) -> TestResult:
    return TestResult(test_id, suite, status=status, ac=ac or [], scenarios=scenarios or [])


def test_combine_with_any_failure_is_failed() -> None:
    assert combine([PASSED, FAILED, SKIPPED]) == FAILED


def test_combine_with_only_skips_or_nothing_is_not_covered() -> None:
    assert combine([SKIPPED, SKIPPED]) == NOT_COVERED
    assert combine([]) == NOT_COVERED


def test_combine_with_a_pass_and_skips_is_passed() -> None:
    assert combine([SKIPPED, PASSED]) == PASSED


def test_combine_with_only_not_applicable_and_skips_is_not_applicable_never_passed() -> None:
    assert combine([NOT_APPLICABLE, SKIPPED]) == NOT_APPLICABLE
    assert combine([NOT_APPLICABLE, PASSED]) == PASSED


def test_acceptance_criteria_lists_every_ac_with_status_per_suite() -> None:
    run = RunResult(
        "r",
        T0,
        tests=[
            result("a", PASSED, ac=["AC1"]),
            result("b", FAILED, suite="browser", ac=["AC1", "AC2"]),
        ],
    )
    rows = run.acceptance_criteria()
    assert list(rows) == [c.id for c in default_story().criteria]
    assert rows["AC1"].status == FAILED
    assert rows["AC1"].by_suite == {"api": PASSED, "browser": FAILED, "load": NOT_RUN}
    assert rows["AC1"].tests == ["a", "b"]
    assert rows["AC3"].status == NOT_COVERED and rows["AC3"].tests == []
    assert rows["AC3"].by_suite == {"api": NOT_COVERED, "browser": NOT_COVERED, "load": NOT_RUN}


def test_ids_the_story_does_not_list_follow_its_criteria_in_the_matrix() -> None:
    run = RunResult("r", T0, tests=[result("a", PASSED, ac=["SEC-1", "AC2"])])
    assert list(run.acceptance_criteria())[-1] == "SEC-1"
    assert run.acceptance_criteria()["SEC-1"].status == PASSED
    assert run.unknown_criteria() == ["SEC-1"]


def test_scenario_rows_keep_the_story_table_first_then_other_names() -> None:
    run = RunResult(
        "r",
        T0,
        tests=[
            result("a", PASSED, scenarios=["Multiple tabs open", "10 tabs hit expiry at once"]),
        ],
    )
    rows = run.scenario_rows()
    table = [row.name for row in default_story().rows]
    assert list(rows) == [*table, "10 tabs hit expiry at once"]
    assert rows["Multiple tabs open"].status == PASSED
    assert rows["Refresh token expired"].status == NOT_COVERED


def test_summary_counts_every_status_and_the_collection_errors() -> None:
    statuses = (PASSED, SKIPPED, FAILED, NOT_APPLICABLE)
    run = RunResult("r", T0, tests=[result(s, s) for s in statuses])
    assert run.summary() == {
        "passed": 1,
        "failed": 1,
        "skipped": 1,
        "not_applicable": 1,
        "errors": 0,
        "total": 4,
    }


def test_virtual_span_is_first_to_last_event() -> None:
    test = result("a", PASSED)
    test.events = [
        RequestSent(at=T0 + timedelta(minutes=m), wall=0.0, method="GET", path="/")
        for m in (5, 0, 90)
    ]
    assert test.virtual_span_s == 90 * 60
    assert test.virtual_start == T0
    assert result("b", PASSED).virtual_span_s == 0.0
