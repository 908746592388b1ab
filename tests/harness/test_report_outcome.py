from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.report.model import (
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    SKIPPED,
    CollectionError,
    RunResult,
    TestResult,
)
from harness.report.outcome import decide

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def run_of(*statuses: str, **fields: object) -> RunResult:
    tests = [TestResult(f"t{i}", "api", status=s, ac=["AC1"]) for i, s in enumerate(statuses)]
    return RunResult("r", T0, tests=tests, **fields)  # type: ignore[arg-type]


def test_a_run_with_a_pass_and_no_failure_passes_with_exit_0() -> None:
    outcome = decide(run_of(PASSED, SKIPPED))
    assert (outcome.verdict, outcome.exit_code, outcome.reasons) == ("passed", 0, ())


def test_a_failed_test_fails_the_run_with_exit_1_and_says_how_many() -> None:
    outcome = decide(run_of(PASSED, FAILED, FAILED))
    assert (outcome.verdict, outcome.exit_code) == ("failed", 1)
    assert outcome.reasons == ("2 tests failed",)


def test_a_collection_error_fails_the_run_even_when_every_collected_test_passed() -> None:
    run = run_of(PASSED, collection_errors=[CollectionError("api/test_x.py", "SyntaxError: x")])
    outcome = decide(run)
    assert outcome.exit_code == 1
    assert outcome.reasons == ("1 collection error: api/test_x.py (SyntaxError: x)",)


def test_a_run_that_selected_nothing_fails_and_says_what_deselected() -> None:
    outcome = decide(run_of(deselected=41))
    assert outcome.exit_code == 1
    assert outcome.reasons == (
        "no test was selected (41 deselected): check -k, -m, --suite and --ac",
    )


@pytest.mark.parametrize("statuses", [(SKIPPED,), (NOT_APPLICABLE, SKIPPED), (NOT_APPLICABLE,)])
def test_a_run_where_nothing_passed_fails_even_without_a_failure(statuses: tuple[str]) -> None:
    outcome = decide(run_of(*statuses))
    assert outcome.exit_code == 1
    assert outcome.reasons[0].startswith("no test passed: every selected test was skipped")


def test_strict_fails_on_a_skip_or_a_not_applicable_beside_passes() -> None:
    assert decide(run_of(PASSED, SKIPPED)).passed
    outcome = decide(run_of(PASSED, SKIPPED, NOT_APPLICABLE, strict=True))
    assert outcome.reasons == ("--strict: 1 skipped and 1 not applicable",)


def test_an_id_not_in_the_story_warns_and_fails_only_under_strict() -> None:
    run = run_of(PASSED)
    run.tests[0].ac = ["SEC-9"]
    lenient = decide(run)
    assert lenient.passed and lenient.warnings == ("ids not in story 3.2: SEC-9",)
    run.strict = True
    assert decide(run).reasons == ("--strict: ids not in story 3.2: SEC-9",)


@pytest.mark.parametrize(("signal", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_an_interrupted_run_is_marked_so_with_the_shell_exit_code(signal: str, code: int) -> None:
    run = run_of(PASSED, interrupted=signal, unfinished=["api/test_b.py::test_b"])
    outcome = decide(run)
    assert (outcome.verdict, outcome.exit_code) == ("interrupted", code)
    assert outcome.reasons == (
        f"interrupted by {signal} during api/test_b.py::test_b; 1 test finished",
    )
    assert outcome.headline.startswith("INTERRUPTED: ")


def test_a_pytest_usage_error_exits_2() -> None:
    outcome = decide(run_of(), pytest_status=4)
    assert (outcome.verdict, outcome.exit_code) == ("failed", 2)
