"""Report results from pytest: outcomes from its reports, events from each test's recorder."""

from __future__ import annotations

import itertools
from collections.abc import Generator
from pathlib import Path

import pytest

from harness.events import Recorder
from harness.report.model import FAILED, PASSED, SKIPPED, Failure, RunResult, TestResult
from harness.story import SUITES

RECORDER_KEY = pytest.StashKey[Recorder]()
RUN_KEY = pytest.StashKey[RunResult]()
REPORT_DIR_KEY = pytest.StashKey[Path]()
MESSAGE_LIMIT = 400
_STORY_PROPERTIES = frozenset({"ac", "scenario", "suite"})


def suite_of(item: pytest.Item) -> str:
    """`browser`/`load` from the marker or the scenarios sub-folder; everything else is `api`."""
    if item.get_closest_marker("browser") is not None:
        return "browser"
    parts = item.path.parts
    for folder, child in itertools.pairwise(parts):
        if folder == "scenarios" and child in SUITES:
            return child
    return "api"


def story_tags(item: pytest.Item) -> tuple[list[str], list[str]]:
    """The AC ids and scenario names of a test, from its `ac` and `scenario` markers."""
    acs = [str(a) for m in item.iter_markers("ac") for a in m.args]
    scenarios = [str(a) for m in item.iter_markers("scenario") for a in m.args]
    return sorted(set(acs), key=lambda ac: (len(ac), ac)), list(dict.fromkeys(scenarios))


def _failure(report: pytest.TestReport, call: pytest.CallInfo[None]) -> Failure:
    text = call.excinfo.exconly() if call.excinfo is not None else report.longreprtext
    first = next((line for line in text.splitlines() if line.strip()), "failed")
    return Failure(report.when, first.strip()[:MESSAGE_LIMIT], report.longreprtext)


def _skip_reason(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return f"xfail: {report.wasxfail}".rstrip(": ")
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return report.longreprtext


class ResultCollector:
    """A pytest plugin object: one TestResult per test, kept in run order."""

    def __init__(self, run: RunResult) -> None:
        self.run = run
        self._by_id: dict[str, TestResult] = {}

    def _result(self, item: pytest.Item) -> TestResult:
        if item.nodeid not in self._by_id:
            acs, scenarios = story_tags(item)
            result = TestResult(item.nodeid, suite_of(item), ac=acs, scenarios=scenarios)
            self._by_id[item.nodeid] = result
            self.run.tests.append(result)
        return self._by_id[item.nodeid]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        result = self._result(item)
        result.duration_s += report.duration
        result.properties = [
            (str(k), str(v)) for k, v in report.user_properties if k not in _STORY_PROPERTIES
        ]
        if report.failed and result.status != FAILED:
            result.status, result.failure = FAILED, _failure(report, call)
        elif report.skipped and result.status == PASSED:
            result.status, result.skip_reason = SKIPPED, _skip_reason(report)
        if report.when == "teardown":
            recorder = item.stash.get(RECORDER_KEY, None)
            result.events = list(recorder.events) if recorder is not None else []
        return report
