"""What a report is made of: per-test results and the coverage of the story derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.events import Artifact, Event
from harness.report.outcome import Outcome
from harness.story import STORY_SUITES, Story, default_story

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
NOT_APPLICABLE, NOT_COVERED, NOT_RUN = "not_applicable", "not_covered", "not_run"
# A skip whose reason starts so is a verdict about the target ("not applicable: needs a test
# clock"), counted apart from plain skips and never as a pass.


@dataclass(frozen=True)
class Failure:
    phase: str  # "setup", "call" or "teardown"
    message: str  # one line
    details: str  # the full pytest report text


@dataclass(frozen=True)
class CollectionError:
    """A file or directory pytest could not collect (a syntax error, a failing import)."""

    nodeid: str
    message: str  # one line

    def describe(self) -> str:
        return f"{self.nodeid or '<session>'} ({self.message})"


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
    driver: str | None = None  # for a test run once per driver (`drivers` marker)
    written_once: str | None = None  # then: its id without the driver
    not_applicable: dict[str, str] = field(default_factory=dict)  # drivers it cannot run with

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
    by_suite: dict[str, str]  # every suite: its status, `not_covered` or `not_run`


def combine(statuses: Iterable[str]) -> str:
    """Any failure fails the row; only skips (or nothing) leave it not covered."""
    seen = set(statuses)
    for status in (FAILED, PASSED, NOT_APPLICABLE):
        if status in seen:
            return status
    return NOT_COVERED


def coverage(tests: Iterable[TestResult], suites_run: Iterable[str]) -> Coverage:
    tests = list(tests)
    ran = set(suites_run)
    by_suite = {
        s: combine(t.status for t in tests if t.suite == s) if s in ran else NOT_RUN
        for s in STORY_SUITES
    }
    return Coverage(combine(t.status for t in tests), [t.id for t in tests], by_suite)


@dataclass
class RunResult:
    run_id: str
    started_at: datetime
    wall_s: float = 0.0
    base_url: str | None = None
    target: str = ""  # the target profile and where its app ran
    story: Story = field(default_factory=default_story)
    strict: bool = False
    tests: list[TestResult] = field(default_factory=list)
    collection_errors: list[CollectionError] = field(default_factory=list)
    deselected: int = 0
    interrupted: str | None = None  # the signal's name ("SIGTERM") when one stopped the run
    unfinished: list[str] = field(default_factory=list)  # tests running when it stopped
    collected: int | None = None  # tests selected to run; None where nobody counted
    stopped: str | None = None  # what ended the run before its tests did ("pytest.exit: bye")
    load: dict[str, Any] | None = None  # load figures: name → value, optional "series"
    outcome: Outcome | None = None  # decided once the run ended (harness.report.outcome)

    def summary(self) -> dict[str, int]:
        counts = {PASSED: 0, FAILED: 0, SKIPPED: 0, NOT_APPLICABLE: 0}
        for test in self.tests:
            counts[test.status] += 1
        return {**counts, "errors": len(self.collection_errors), "total": len(self.tests)}

    def unreported(self) -> int:
        """Collected tests that never reported a result (0 when nobody counted them)."""
        return max((self.collected or 0) - len(self.tests), 0)

    @property
    def virtual_s(self) -> float:
        return sum(t.virtual_span_s for t in self.tests)

    def unknown_criteria(self) -> list[str]:
        """Criterion ids that tests carry but the story does not list."""
        known = self.story.criterion_texts
        return sorted({ac for t in self.tests for ac in t.ac if ac not in known})

    def acceptance_criteria(self) -> dict[str, Coverage]:
        """The story's criteria in order, then any other id a test carries."""
        ids = [*self.story.criterion_texts, *self.unknown_criteria()]
        ran = self.suites()
        return {ac: coverage((t for t in self.tests if ac in t.ac), ran) for ac in ids}

    def scenario_rows(self) -> dict[str, Coverage]:
        """The story's table rows first (always present), then any other named scenario."""
        table = self.story.row_expectations
        extra = sorted({s for t in self.tests for s in t.scenarios} - table.keys())
        ran = self.suites()
        names = [*table, *extra]
        return {n: coverage((t for t in self.tests if n in t.scenarios), ran) for n in names}

    def suites(self) -> list[str]:
        """The suites that ran (had at least one test)."""
        return sorted({t.suite for t in self.tests})
