"""pytest plugin of session-harness (entry point `session_harness`): fixtures, markers, reports."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import freezegun
import pytest

from harness._realtime import wall_now, wall_seconds
from harness.applicability import NotApplicable
from harness.fixtures import (
    NOT_APPLICABLE,
    app_servers,
    clock,
    harness_settings,
    profile,
    promise,
    recorder,
    refapp,
    server_view,
    target,
    target_profile,
    target_spec,
)
from harness.report.collector import (
    REPORT_DIR_KEY,
    RUN_KEY,
    ResultCollector,
    story_tags,
    suite_of,
)
from harness.report.model import RunResult
from harness.report.writer import new_run_id, point_latest, write_report
from harness.story import SUITE_CHOICES

__all__ = [
    "app_servers",
    "clock",
    "harness_settings",
    "profile",
    "promise",
    "recorder",
    "refapp",
    "server_view",
    "target",
    "target_profile",
]

MARKERS = (
    "ac(*ids): acceptance criteria of story 3.2 this test proves (AC1..AC7)",
    "scenario(name): the story's test-scenario row (or a named scenario beyond the table)",
    "refapp(**overrides): reference app settings for this test (embedded app only)",
    "served: run the app in its own process (real concurrent requests), not in this one",
    "negative: proves a check fails on a deliberately broken app or client "
    "(left out of bug-catalogue runs)",
    "browser: drives a real browser (the browser suite)",
    "slow: takes more than a few seconds of wall time",
    "needs(*capabilities): what the target must offer (clock, logout, stream, ...); "
    "without it the test is reported not applicable",
)
_COLLECTOR = "session_harness_collector"
_STARTED = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("session-harness")
    group.addoption(
        "--base-url",
        default=None,
        metavar="URL",
        help="run against the target app already serving at URL (default: the profile's)",
    )
    group.addoption(
        "--target",
        default=None,
        metavar="FILE",
        help="target profile of the app under test (default: the bundled reference-app)",
    )
    parser.addini("harness_target", "target profile of the app under test", default="")
    group.addoption(
        "--harness-report",
        default=None,
        metavar="DIR",
        help="write results.json, junit.xml and index.html under DIR/<run-id>/",
    )
    group.addoption(
        "--suite",
        default="all",
        choices=SUITE_CHOICES,
        help="only run tests of this suite (default: all)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    # pytest times each phase with perf_counter; a freeze entered in a fixture must not
    # reach those readings (`--durations` would print the frozen epoch).
    freezegun.configure(extend_ignore_list=["_pytest.timing"])
    root = config.getoption("harness_report")
    if not root or hasattr(config, "workerinput"):
        return
    started = wall_now()
    root_path = Path(root)
    root_path.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id(root_path, started)
    directory = root_path / run_id
    directory.mkdir()
    # pytest's own junitxml writer does the JUnit file; tryfirst so it sees the path in time.
    if not config.option.xmlpath:
        config.option.xmlpath = str(directory / "junit.xml")
    config.stash[REPORT_DIR_KEY] = directory
    config.stash[_STARTED] = wall_seconds()
    run = RunResult(run_id=run_id, started_at=started, base_url=config.getoption("base_url"))
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(ResultCollector(run), _COLLECTOR)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    suite = config.getoption("suite")
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        acs, scenarios = story_tags(item)
        item.user_properties.extend(("ac", ac) for ac in acs)
        item.user_properties.extend(("scenario", name) for name in scenarios)
        item.user_properties.append(("suite", suite_of(item)))
        (kept if suite in ("all", suite_of(item)) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    directory = config.stash.get(REPORT_DIR_KEY, None)
    if directory is None:
        return
    run = config.stash[RUN_KEY]
    run.wall_s = wall_seconds() - config.stash[_STARTED]
    write_report(run, directory)
    point_latest(directory.parent, directory)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    directory = terminalreporter.config.stash.get(REPORT_DIR_KEY, None)
    if directory is not None:
        terminalreporter.write_line(f"session-harness report: {directory / 'index.html'}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.needs(...)` the target lacks: not applicable, before any fixture runs."""
    needs = tuple(arg for marker in item.iter_markers("needs") for arg in marker.args)
    if not needs:
        return
    from harness.target import ProfileError, load_profile
    from harness.target.needs import missing

    try:
        profile = load_profile(target_spec(item.config))
        lacking = missing(profile, needs)
    except (ProfileError, ValueError) as exc:
        raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
    if lacking:
        pytest.skip(NOT_APPLICABLE + "needs " + ", ".join(lacking) + " in the target profile")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """A target that cannot do what the test asks makes the test not applicable, not failed."""
    try:
        return (yield)
    except NotApplicable as exc:
        pytest.skip(NOT_APPLICABLE + str(exc))
