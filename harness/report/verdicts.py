"""Verdicts of conformance checks: pass, fail, warn or not applicable, with reason and reference.

A check is a pytest test. Its outcome gives pass, fail or (a skip whose reason starts with
"not applicable: ") not applicable; a passing check that recorded a warning is a warn. The
warnings, observations and references travel as `item.user_properties`, so they reach
JUnit, results.json and the terminal table alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from harness.report.model import TestResult

PASS, FAIL, WARN, NOT_APPLICABLE = "pass", "fail", "warn", "not applicable"
VERDICTS: Final = (PASS, WARN, NOT_APPLICABLE, FAIL)
VERDICT, WARNING, OBSERVED, REFERENCE = "verdict", "warning", "observed", "reference"
NOT_APPLICABLE_PREFIX = "not applicable: "

Properties = list[tuple[str, object]]


class Verdict:
    """What a check adds to its outcome: warnings (a SHOULD not met) and observations.

    `verdict.warn("no Cache-Control: no-store on the refresh response")` keeps the check
    passing but reports it as warn; `verdict.observe("refresh token rotated")` says what was
    seen where the profile promises nothing.
    """

    def __init__(self, properties: Properties) -> None:
        self._properties = properties

    def warn(self, text: str) -> None:
        if (VERDICT, WARN) not in self._properties:
            self._properties.append((VERDICT, WARN))
        self._properties.append((WARNING, text))

    def observe(self, text: str) -> None:
        self._properties.append((OBSERVED, text))

    @property
    def warnings(self) -> list[str]:
        return values(self._properties, WARNING)


def values(properties: Iterable[tuple[str, object]], name: str) -> list[str]:
    return [str(value) for key, value in properties if key == name]


def verdict_of(outcome: str, skip_reason: str | None, properties: Properties) -> str:
    """The verdict from a test's status ("passed", "failed", "not_applicable", "skipped", ...)
    and its properties: whatever neither passed nor failed was not applicable."""
    if outcome == "failed":
        return FAIL
    if outcome != "passed":
        return NOT_APPLICABLE
    return WARN if (VERDICT, WARN) in properties else PASS


@dataclass(frozen=True)
class CheckVerdict:
    """One row of the verdict table."""

    check: str  # the test's name, e.g. "forged_access_token_is_rejected[alg_none]"
    nodeid: str
    verdict: str
    reason: str
    references: tuple[str, ...]

    @classmethod
    def of(
        cls, nodeid: str, outcome: str, message: str | None, properties: Properties
    ) -> CheckVerdict:
        verdict = verdict_of(outcome, message, properties)
        if verdict == FAIL:
            reason = message or "failed"
        elif verdict == NOT_APPLICABLE:
            reason = (message or outcome.replace("_", " ")).removeprefix(NOT_APPLICABLE_PREFIX)
        elif verdict == WARN:
            reason = "; ".join(values(properties, WARNING))
        else:
            reason = "; ".join(values(properties, OBSERVED))
        name = nodeid.rsplit("::", 1)[-1].removeprefix("test_")
        return cls(name, nodeid, verdict, reason, tuple(values(properties, REFERENCE)))

    @classmethod
    def of_result(cls, test: TestResult) -> CheckVerdict:
        """The verdict of a test in a report (results.json, index.html)."""
        message = test.failure.message if test.failure is not None else test.skip_reason
        if test.failure is not None:
            message = failure_reason(message or "")
        return cls.of(test.id, test.status, message, list(test.properties))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "references": list(self.references)}


def failure_reason(text: str) -> str:
    """The first line of a failure without its exception type: what was seen vs promised."""
    first = next((line for line in text.splitlines() if line.strip()), "failed").strip()
    kind, sep, rest = first.partition(": ")
    # "harness.checks.CheckFailed: what was seen" → "what was seen"
    return rest if sep and kind.replace(".", "").replace("_", "").isalnum() else first


def conformance_verdicts(tests: Sequence[TestResult]) -> list[CheckVerdict]:
    return [CheckVerdict.of_result(test) for test in tests if test.suite == "conformance"]
