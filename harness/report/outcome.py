"""The run's verdict: one object decides the exit code, the terminal, results.json and the HTML.

A run passes only when it proved something: at least one test passed, none failed, nothing
failed to collect, it was not interrupted and every test it collected reported. Skips and
"not applicable" verdicts never count as passes; with `strict` they fail the run.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from harness.exit_codes import ExitCode, exit_code_for_signal

if TYPE_CHECKING:
    from harness.report.model import RunResult

Verdict = Literal["passed", "failed", "interrupted", "error"]

__all__ = ["Outcome", "decide", "exit_code_for_signal"]
PYTEST_USAGE_ERROR, PYTEST_INTERNAL_ERROR = 4, 3  # pytest.ExitCode values
MAX_LISTED = 3


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    exit_code: int
    reasons: tuple[str, ...] = ()  # why the run did not pass; empty when it passed
    warnings: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    @property
    def headline(self) -> str:
        """`PASSED`, or `FAILED: 3 tests failed; …`: the verdict in one line."""
        if not self.reasons:
            return self.verdict.upper()
        return f"{self.verdict.upper()}: {'; '.join(self.reasons)}"


def _listed(items: list[str]) -> str:
    more = f", … ({len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _interruption(run: RunResult) -> str | None:
    if run.interrupted is None:
        return None
    during = f" during {_listed(run.unfinished)}" if run.unfinished else ""
    return f"interrupted by {run.interrupted}{during}; {_plural(len(run.tests), 'test')} finished"


def _unreported(run: RunResult) -> str | None:
    """Why tests that were collected never reported (pytest.exit, a stop after a failure)."""
    missing = run.unreported()
    if not missing:
        return None
    why = run.stopped or "the run stopped early"
    during = f" during {_listed(run.unfinished)}" if run.unfinished else ""
    return f"{missing} of {_plural(run.collected or 0, 'test')} never reported: {why}{during}"


def _test_reasons(run: RunResult) -> list[str]:
    counts = run.summary()
    reasons = []
    if run.collection_errors:
        where = _listed([e.describe() for e in run.collection_errors])
        reasons.append(f"{_plural(len(run.collection_errors), 'collection error')}: {where}")
    if counts["failed"]:
        reasons.append(f"{_plural(counts['failed'], 'test')} failed")
    if counts["total"] == 0 and not run.collection_errors and run.interrupted is None:
        deselected = f" ({run.deselected} deselected)" if run.deselected else ""
        reasons.append(f"no test was selected{deselected}: check -k, -m, --suite and --ac")
    elif counts["total"] and counts["passed"] == 0 and counts["failed"] == 0:
        reasons.append(
            f"no test passed: every selected test was skipped or not applicable "
            f"({counts['skipped']} skipped, {counts['not_applicable']} not applicable)"
        )
    elif run.strict and counts["skipped"] + counts["not_applicable"]:
        reasons.append(
            f"--strict: {counts['skipped']} skipped and {counts['not_applicable']} not applicable"
        )
    return reasons


def decide(run: RunResult, pytest_status: int | None = None) -> Outcome:
    """The verdict of `run`; `pytest_status` is pytest's own exit status when it ended."""
    unknown = run.unknown_criteria()
    warnings = []
    reasons = _test_reasons(run)
    if unknown:
        note = f"ids not in story {run.story.id}: {_listed(unknown)}"
        if run.strict:
            reasons.append(f"--strict: {note}")
        else:
            warnings.append(note)
    if pytest_status == PYTEST_USAGE_ERROR:
        return Outcome("failed", ExitCode.USAGE, ("pytest usage error (see the message above)",))
    if pytest_status == PYTEST_INTERNAL_ERROR:
        return Outcome("error", ExitCode.ERROR, ("internal error (see the traceback above)",))
    interruption = _interruption(run)
    if interruption is not None:
        signum = getattr(signal.Signals, run.interrupted or "", None)
        code = exit_code_for_signal(signum) if signum is not None else ExitCode.FAILED
        return Outcome("interrupted", code, (interruption, *reasons), tuple(warnings))
    # pytest runs nothing after a collection error: that error is the reason, not this.
    unreported = None if run.collection_errors else _unreported(run)
    if unreported is not None and not run.summary()["failed"]:
        # Nothing failed, yet not every test ran: the missing ones may well have failed.
        return Outcome("error", ExitCode.ERROR, (unreported, *reasons), tuple(warnings))
    if unreported is not None:
        reasons.append(unreported)
    if reasons:
        return Outcome("failed", ExitCode.FAILED, tuple(reasons), tuple(warnings))
    return Outcome("passed", ExitCode.PASSED, (), tuple(warnings))
