"""Report results from pytest: outcomes from its reports, events from each test's recorder.

Where a test runs (this process, or a pytest-xdist worker) its report gets a `harness`
attribute of plain data: suite, story tags, failure message and, after teardown, its
events. xdist carries the report's attributes to the controller, where `ResultCollector`
builds the run from them; so one report holds every worker's tests.
"""

from __future__ import annotations

import signal
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from harness.drivers import DRIVERS
from harness.events import Recorder, event_from_dict
from harness.report.model import (
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    SKIPPED,
    CollectionError,
    Failure,
    RunResult,
    TestResult,
)
from harness.story import SUITES

RECORDER_KEY = pytest.StashKey[Recorder]()
LOAD_KEY = pytest.StashKey[dict[str, Any]]()
RUN_KEY = pytest.StashKey[RunResult]()
REPORT_DIR_KEY = pytest.StashKey[Path]()
HARNESS_ATTR = "harness"
# The parameter the `drivers` marker parametrises: a test's suite follows its driver.
DRIVER_PARAM = "driver"
MESSAGE_LIMIT = 400
_STORY_PROPERTIES = frozenset({"ac", "scenario", "suite"})


def suite_of_path(path: str) -> str:
    """The suite a folder name gives (the nearest folder named api, browser or load), or api."""
    parts = Path(path.split("::", 1)[0]).parts
    return next((folder for folder in reversed(parts[:-1]) if folder in SUITES), "api")


def suite_of(item: pytest.Item) -> str:
    """The test's driver (a `drivers` parametrisation: api or browser), else the `suite`
    marker, else the `browser` marker, else the nearest folder named after a suite.

    Anything else is `api`.
    """
    callspec = getattr(item, "callspec", None)
    driver = callspec.params.get(DRIVER_PARAM) if callspec is not None else None
    if driver in DRIVERS:
        return str(driver)
    marker = item.get_closest_marker("suite")
    if marker is not None:
        name = str(marker.args[0]) if marker.args else ""
        if name not in SUITES:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.suite({name!r}): choose from {', '.join(SUITES)}"
            )
        return name
    if item.get_closest_marker("browser") is not None:
        return "browser"
    try:
        return suite_of_path(str(item.path.relative_to(item.config.rootpath)))
    except ValueError:
        return suite_of_path(str(item.path))


def driver_variant(item: pytest.Item) -> tuple[str | None, str | None]:
    """A test run once per driver: its driver, and its id without the driver (the scenario
    written once, `test_x[laptop-asleep]` for `test_x[browser-laptop-asleep]`)."""
    callspec = getattr(item, "callspec", None)
    driver = callspec.params.get(DRIVER_PARAM) if callspec is not None else None
    if callspec is None or driver not in DRIVERS:
        return None, None
    ids = callspec.id.split("-")
    ids.remove(str(driver))
    base = item.nodeid.split("[", 1)[0]
    return str(driver), f"{base}[{'-'.join(ids)}]" if ids else base


def story_tags(item: pytest.Item) -> tuple[list[str], list[str]]:
    """The AC ids and scenario names of a test, from its `ac` and `scenario` markers."""
    acs = [str(a) for m in item.iter_markers("ac") for a in m.args]
    scenarios = [str(a) for m in item.iter_markers("scenario") for a in m.args]
    return sorted(set(acs), key=lambda ac: (len(ac), ac)), list(dict.fromkeys(scenarios))


def first_line(text: str, default: str = "failed") -> str:
    line = next((line for line in text.splitlines() if line.strip()), default)
    return line.strip()[:MESSAGE_LIMIT]


def report_data(
    item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo[None]
) -> dict[str, Any]:
    """What the report needs from the process that ran the test, as plain (picklable) data."""
    acs, scenarios = story_tags(item)
    data: dict[str, Any] = {"suite": suite_of(item), "ac": acs, "scenarios": scenarios}
    data["driver"], data["written_once"] = driver_variant(item)
    marker = item.get_closest_marker("drivers")
    if marker is not None and marker.kwargs:  # drivers that cannot run it, and why
        data["not_applicable"] = {str(k): str(v) for k, v in marker.kwargs.items()}
    if report.failed:
        text = call.excinfo.exconly() if call.excinfo is not None else report.longreprtext
        data["message"] = first_line(text)
    if report.skipped and call.excinfo is not None:
        data["not_applicable_here"] = call.excinfo.errisinstance(NotApplicableSkip)
    if report.when == "teardown":
        recorder = item.stash.get(RECORDER_KEY, None)
        data["events"] = [e.to_dict() for e in recorder.events] if recorder else []
        data["load"] = item.stash.get(LOAD_KEY, None)
    return data


NOT_APPLICABLE_TEXT = "not applicable: "


def skip_status(data: dict[str, Any]) -> str:
    """`not_applicable` for a test that raised `NotApplicable` (or skipped with
    `NotApplicableSkip`), else `skipped`."""
    return NOT_APPLICABLE if data.get("not_applicable_here") else SKIPPED


class NotApplicableSkip(pytest.skip.Exception):  # type: ignore[name-defined,misc]
    """The skip of a test whose target lacks what it needs: reported `not_applicable`, by
    its type (the reason is shown as it is, never parsed)."""

    def __init__(self, why: str) -> None:
        super().__init__(NOT_APPLICABLE_TEXT + why)


# Shown the way pytest shows its own skips ("Skipped: not applicable: ..."), in the terminal
# and in the report's reason alike; the type, not the text, says it is not applicable.
NotApplicableSkip.__module__ = "builtins"
NotApplicableSkip.__qualname__ = "Skipped"


def skip_reason(report: pytest.TestReport) -> str:
    """Why a test was skipped (an xfail's reason, prefixed so)."""
    if hasattr(report, "wasxfail"):
        return f"xfail: {report.wasxfail}".rstrip(": ")
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return report.longreprtext


def signal_name(exc: BaseException) -> str | None:
    """`SIGTERM` / `SIGINT` when a signal stopped the run; None for pytest's own stops (-x)."""
    signum = getattr(exc, "signum", None)
    if isinstance(signum, int):
        return signal.Signals(signum).name
    return "SIGINT" if type(exc) is KeyboardInterrupt else None


class ResultCollector:
    """A pytest plugin object: one TestResult per finished test, in the order they finished.

    A test joins the run with its teardown report: one a signal interrupted never finished
    and is listed as unfinished instead (its setup alone must not read as a pass).
    """

    def __init__(self, run: RunResult) -> None:
        self.run = run
        self.running: dict[str, TestResult | None] = {}  # started, not finished, in order

    def _result(self, nodeid: str, data: dict[str, Any]) -> TestResult:
        result = self.running.get(nodeid)
        if result is None:
            result = TestResult(
                nodeid,
                data["suite"],
                ac=data["ac"],
                scenarios=data["scenarios"],
                driver=data.get("driver"),
                written_once=data.get("written_once"),
                not_applicable=data.get("not_applicable", {}),
            )
            self.running[nodeid] = result
        return result

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.running.setdefault(nodeid, None)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data: dict[str, Any] | None = getattr(report, HARNESS_ATTR, None)
        if data is None:
            if report.failed:  # a crashed pytest-xdist worker reports its test so
                data = {"suite": suite_of_path(report.nodeid), "ac": [], "scenarios": []}
                data["message"] = first_line(report.longreprtext)
                self._record(report, data)
                self._finish(report.nodeid, data)
            return
        self._record(report, data)
        if report.when == "teardown":
            self._finish(report.nodeid, data)

    def _record(self, report: pytest.TestReport, data: dict[str, Any]) -> None:
        result = self._result(report.nodeid, data)
        result.duration_s += report.duration
        result.properties = [
            (str(k), str(v)) for k, v in report.user_properties if k not in _STORY_PROPERTIES
        ]
        if report.failed and result.status != FAILED:
            message = data.get("message", "failed")
            result.status = FAILED
            result.failure = Failure(report.when or "?", message, report.longreprtext)
        elif report.skipped and result.status == PASSED:
            result.skip_reason = skip_reason(report)
            result.status = skip_status(data)

    def _finish(self, nodeid: str, data: dict[str, Any]) -> None:
        result = self.running.pop(nodeid, None)
        if result is None:
            return
        result.events = [event_from_dict(e) for e in data.get("events", [])]
        if data.get("load"):
            self.run.load = {**(self.run.load or {}), **data["load"]}
        self.run.tests.append(result)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = report.longreprtext.strip().splitlines() or ["failed"]
            message = lines[-1].removeprefix("E").strip()  # pytest's "E   SyntaxError: …"
            self.run.collection_errors.append(CollectionError(report.nodeid, message))

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.run.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.run.collected = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        """Under pytest-xdist the controller collects nothing; each worker tells the same ids."""
        if self.run.collected is None:
            self.run.collected = len(ids)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        stop = session.shouldstop or session.shouldfail  # -x, --maxfail, --stepwise
        if stop and self.run.stopped is None:
            self.run.stopped = str(stop)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        name = signal_name(excinfo.value)
        if name is not None:
            self.run.interrupted, self.run.unfinished = name, list(self.running)
        elif isinstance(excinfo.value, pytest.exit.Exception):
            self.run.stopped = f"pytest.exit({excinfo.value.msg!r})"
            self.run.unfinished = list(self.running)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the harness data to every report of a run that writes a report."""
    report = yield
    if item.config.getoption("harness_report", None):
        setattr(report, HARNESS_ATTR, report_data(item, report, call))
    return report
