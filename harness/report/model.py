"""What a report is made of: per-test results and the coverage of the story derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from harness.events import Artifact, Event
from harness.story import ACCEPTANCE_CRITERIA, SCENARIO_TABLE

PASSED, FAILED, SKIPPED, NOT_COVERED = "passed", "failed", "skipped", "not_covered"


@dataclass(frozen=True)
class Failure:
    phase: str  # "setup", "call" or "teardown"
    message: str  # one line
    details: str  # the full pytest report text


@dataclass
class TestResult:
    """One pytest test: its outcome, its story tags and the session events it recorded."""

    __test__ = False

    id: str
    suite: str
    status: str = PASSED
    ac: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    failure: Failure | None = None
    skip_reason: str | None = None
    events: list[Event] = field(default_factory=list)
    # user_properties beyond the story tags: a conformance check's verdict, warnings, references
    properties: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.id.rsplit("::", 1)[-1]

    @property
    def virtual_start(self) -> datetime | None:
        return min((e.at for e in self.events), default=None)

    @property
    def virtual_end(self) -> datetime | None:
        return max((e.at for e in self.events), default=None)

    @property
    def virtual_span_s(self) -> float:
        start, end = self.virtual_start, self.virtual_end
        return 0.0 if start is None or end is None else (end - start).total_seconds()

    @property
    def artifacts(self) -> list[Artifact]:
        return [e for e in self.events if isinstance(e, Artifact)]


@dataclass(frozen=True)
class Coverage:
    """How one acceptance criterion or scenario row fared: overall and per suite."""

    status: str
    tests: list[str]
    by_suite: dict[str, str]


def combine(statuses: Iterable[str]) -> str:
    """Any failure fails the row; a row only skipped or without tests is not covered."""
    seen = set(statuses)
    if FAILED in seen:
        return FAILED
    return PASSED if PASSED in seen else NOT_COVERED


def coverage(tests: Iterable[TestResult]) -> Coverage:
    tests = list(tests)
    suites = sorted({t.suite for t in tests})
    by_suite = {s: combine(t.status for t in tests if t.suite == s) for s in suites}
    return Coverage(combine(t.status for t in tests), [t.id for t in tests], by_suite)


@dataclass
class RunResult:
    run_id: str
    started_at: datetime
    wall_s: float = 0.0
    base_url: str | None = None
    tests: list[TestResult] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
        for test in self.tests:
            counts[test.status] += 1
        return {**counts, "total": len(self.tests)}

    @property
    def ok(self) -> bool:
        return all(t.status != FAILED for t in self.tests)

    @property
    def virtual_s(self) -> float:
        return sum(t.virtual_span_s for t in self.tests)

    def acceptance_criteria(self) -> dict[str, Coverage]:
        return {ac: coverage(t for t in self.tests if ac in t.ac) for ac in ACCEPTANCE_CRITERIA}

    def scenario_rows(self) -> dict[str, Coverage]:
        """The story's table rows first (always present), then any other named scenario."""
        extra = sorted({s for t in self.tests for s in t.scenarios} - SCENARIO_TABLE.keys())
        names = [*SCENARIO_TABLE, *extra]
        return {name: coverage(t for t in self.tests if name in t.scenarios) for name in names}

    def suites(self) -> list[str]:
        return sorted({t.suite for t in self.tests})
