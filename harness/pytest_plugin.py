"""pytest plugin of session-harness (entry point `session_harness`): fixtures, markers, reports."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import freezegun
import pytest
from pytest_asyncio import is_async_test

from harness import browser_fixtures
from harness._realtime import wall_now, wall_seconds
from harness.applicability import NotApplicable
from harness.drivers import DRIVERS
from harness.fixtures import (
    api_clock,
    api_profiles,
    app_servers,
    clock,
    driver,
    harness_settings,
    pace,
    profile,
    promise,
    recorder,
    refapp,
    server_view,
    signing_key,
    target,
    target_profile,
    target_spec,
)
from harness.interrupts import SignalGuard
from harness.report.collector import (
    DRIVER_PARAM,
    LOAD_KEY,
    REPORT_DIR_KEY,
    RUN_KEY,
    NotApplicableSkip,
    ResultCollector,
    pytest_runtest_makereport,
    story_tags,
    suite_of,
)
from harness.report.model import RunResult
from harness.report.outcome import decide
from harness.report.writer import new_run_id, point_latest, write_report
from harness.selection import (
    STORY_KEY,
    add_selection_options,
    configure_story,
    criterion_markers,
    selected,
)

# The conformance suite's marker and fixtures (`session-harness check`).
pytest_plugins = ["harness.conformance.plugin"]

__all__ = [
    "api_clock",
    "api_profiles",
    "app_servers",
    "clock",
    "driver",
    "harness_settings",
    "load_figures",
    "pace",
    "profile",
    "promise",
    "pytest_runtest_makereport",
    "recorder",
    "refapp",
    "server_view",
    "signing_key",
    "target",
    "target_profile",
]

MARKERS = (
    "ac(*ids): acceptance criteria of the story this test proves (AC1..AC7 for story 3.2)",
    "scenario(name): the story's test-scenario row (or a named scenario beyond the table)",
    "suite(name): the suite of this test (api, browser or load) when its folder does not say",
    "refapp(**overrides): reference app settings for this test (embedded app only)",
    "served: run the app in its own process (real concurrent requests), not in this one",
    "negative: proves a check fails on a deliberately broken app or client "
    "(left out of bug-catalogue runs)",
    "browser: drives a real browser (the browser suite)",
    "slow: takes more than a few seconds of wall time",
    "needs(*capabilities): what the target must offer (clock, logout, stream, ...); "
    "without it the test is reported not applicable",
    "drivers(*names, **reasons): run the test once per driver (api: simulated tabs, browser: "
    "Chromium; default both); a driver given as name=reason does not run and the parity "
    "table says why; each run belongs to its driver's suite",
)
# Fixtures that start Playwright: a test reaching any of them (directly or through another
# fixture) is a browser test, wherever it lives.
BROWSER_FIXTURES = frozenset({"browser", "playwright", "browser_profiles", "browser_clock"})
_COLLECTOR = "session_harness_collector"
_STARTED = pytest.StashKey[float]()
_GUARD = pytest.StashKey[SignalGuard]()


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
        "--ignore-console-events",
        action="store_true",
        default=False,
        help="browser runs observe the app from outside only: its pages' own auth-event "
        "console lines are not read (as for an app that writes none)",
    )
    group.addoption(
        "--harness-report",
        default=None,
        metavar="DIR",
        help="write results.json, junit.xml and index.html under DIR/<run-id>/",
    )
    add_selection_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    # pytest times each phase with perf_counter; a freeze entered in a fixture must not
    # reach those readings (`--durations` would print the frozen epoch).
    freezegun.configure(extend_ignore_list=["_pytest.timing"])
    configure_story(config)
    config.pluginmanager.register(browser_fixtures, "session_harness_browser")
    if not config.getoption("harness_report"):
        return
    # A CI runner's SIGTERM (or Ctrl-C) must still tear fixtures down and write the report.
    config.stash[_GUARD] = guard = SignalGuard()
    guard.install()
    if not hasattr(config, "workerinput"):
        _start_report(config)


def _start_report(config: pytest.Config) -> None:
    started = wall_now()
    root_path = Path(config.getoption("harness_report"))
    root_path.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id(root_path, started)
    directory = root_path / run_id
    directory.mkdir()
    # pytest's own junitxml writer does the JUnit file; tryfirst so it sees the path in time.
    if not config.option.xmlpath:
        config.option.xmlpath = str(directory / "junit.xml")
    config.stash[REPORT_DIR_KEY] = directory
    config.stash[_STARTED] = wall_seconds()
    run = RunResult(
        run_id=run_id,
        started_at=started,
        base_url=config.getoption("base_url"),
        story=config.stash[STORY_KEY],
        strict=config.getoption("harness_strict"),
    )
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(ResultCollector(run), _COLLECTOR)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`@pytest.mark.drivers("api", "browser")`: one test per driver, through `driver`.

    A driver named with a reason (`drivers("api", browser="the frontend has no ...")`) gets
    no test: the report's parity table shows it not applicable, with the reason.
    """
    marker = metafunc.definition.get_closest_marker("drivers")
    if marker is None:
        return
    names = [str(name) for name in marker.args]
    reasons = [str(name) for name in marker.kwargs]
    every = [*names, *reasons]
    if set(every) - set(DRIVERS) or len(set(every)) != len(every):
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: @pytest.mark.drivers: name each of "
            f"{', '.join(DRIVERS)} at most once, to run or with the reason it cannot"
        )
    run = names or [driver for driver in DRIVERS if driver not in reasons]
    if DRIVER_PARAM not in metafunc.fixturenames:
        metafunc.fixturenames.append(DRIVER_PARAM)
    metafunc.parametrize(DRIVER_PARAM, run, indirect=True, ids=str)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tag every test with its story ids and suite; keep those the selection options ask for.

    tryfirst: the markers added here (`AC1`) must exist before `-m` and `-k` select.
    """
    in_session_loop = pytest.mark.asyncio(loop_scope="session")
    # Under pytest-xdist's `--dist loadgroup` the Chromium tests share one worker, one after
    # another as in a serial run, so their real-time waits keep their margins.
    in_one_worker = (
        pytest.mark.xdist_group("browser") if config.pluginmanager.hasplugin("xdist") else None
    )
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        acs, scenarios = story_tags(item)
        suite = suite_of(item)
        item.user_properties.extend(("ac", ac) for ac in acs)
        item.user_properties.extend(("scenario", name) for name in scenarios)
        item.user_properties.append(("suite", suite))
        for ac in acs:
            for name in criterion_markers(config, ac):
                item.add_marker(name)
        if suite == "browser" or _uses_a_browser(item) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
            if in_one_worker is not None:
                item.add_marker(in_one_worker)
        if suite == "browser" and is_async_test(item):
            # The browser and its servers live in the session's loop.
            item.add_marker(in_session_loop, append=False)
        (kept if selected(config, suite, acs) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _uses_a_browser(item: pytest.Item) -> bool:
    """A test that reaches a browser fixture (its own or the plugin's): `-m "not browser"`
    leaves it out, so deselecting the browser never starts Chromium."""
    names = getattr(item, "fixturenames", ())
    return any(name in BROWSER_FIXTURES for name in names)


@pytest.fixture
def load_figures(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A dict the test fills with load figures (name → value, optional "series"); the report
    shows them in its load section."""
    figures: dict[str, Any] = {}
    request.node.stash[LOAD_KEY] = figures
    return figures


def describe_target(config: pytest.Config, run: RunResult) -> str:
    """What the run tested, as the report heads it: the profile's name and where the app was."""
    from harness.target import ProfileError, load_profile

    spec = target_spec(config)
    try:
        profile = load_profile(spec)
    except ProfileError:
        return spec
    base_url: str | None = config.getoption("base_url")
    server = profile.server
    if base_url:
        where = base_url
    elif server is not None and server.asgi and set(run.suites()) <= {"api"}:
        where = "in process"
    elif server is not None:
        where = "started by the harness" + (" (in process for api)" if server.asgi else "")
    else:
        where = profile.base_url or "unknown"
    return f"{profile.name} ({where})"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Decide the outcome once, write the report from it, and exit with its code."""
    config = session.config
    directory = config.stash.get(REPORT_DIR_KEY, None)
    if directory is None:
        return
    run = config.stash[RUN_KEY]
    run.wall_s = wall_seconds() - config.stash[_STARTED]
    run.target = describe_target(config, run)
    run.outcome = decide(run, int(session.exitstatus))
    write_report(run, directory)
    point_latest(directory.parent, directory)
    session.exitstatus = run.outcome.exit_code


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    directory = config.stash.get(REPORT_DIR_KEY, None)
    run = config.stash.get(RUN_KEY, None)
    if directory is None or run is None or run.outcome is None:
        return
    outcome = run.outcome
    terminalreporter.write_line(
        f"session-harness: {outcome.headline}", green=outcome.passed, red=not outcome.passed
    )
    for warning in outcome.warnings:
        terminalreporter.write_line(f"session-harness warning: {warning}", yellow=True)
    terminalreporter.write_line(f"session-harness report: {directory / 'index.html'}")


def pytest_unconfigure(config: pytest.Config) -> None:
    guard = config.stash.get(_GUARD, None)
    if guard is not None:
        guard.restore()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """`@pytest.mark.needs(...)` the target lacks: not applicable, before any fixture runs;
    a fixture that finds the target cannot serve it (`NotApplicable`): the same."""
    lacking = _lacking(item)
    if lacking:
        raise NotApplicableSkip("needs " + ", ".join(lacking) + " in the target profile")
    try:
        return (yield)
    except NotApplicable as exc:
        raise NotApplicableSkip(str(exc)) from None


def _lacking(item: pytest.Item) -> list[str]:
    needs = tuple(arg for marker in item.iter_markers("needs") for arg in marker.args)
    if not needs:
        return []
    from harness.target import ProfileError, load_profile
    from harness.target.needs import missing

    try:
        return missing(load_profile(target_spec(item.config)), needs)
    except (ProfileError, ValueError) as exc:
        raise pytest.UsageError(f"{item.nodeid}: {exc}") from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """A target that cannot do what the test asks makes the test not applicable, not failed."""
    try:
        return (yield)
    except NotApplicable as exc:
        raise NotApplicableSkip(str(exc)) from None
