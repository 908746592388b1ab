"""Browser fixtures of the plugin: one Chromium per run, driving the app under test's pages.

Browser tests (the `browser` suite: folder, `browser` or `suite("browser")` marker) run in
the session's event loop so they share the browser. The app is the target profile's, served
in its own process (`refapp`: the profile's [server] command, one server per distinct
settings, or --base-url); its pages are driven through the profile's `[browser]` section.
Each pytest-xdist worker has its own browser and servers, on ports of their own.

Playwright is imported inside the fixtures: loading the plugin never imports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from harness.events import Artifact, Recorder
from harness.fixtures import ProfileFactory, not_applicable, user_of

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from harness.app import AppUnderTest
    from harness.browser import BrowserSession
    from harness.client import ClientOptions, Target
    from harness.clock import VirtualClock
    from harness.drivers import ProfileDriver

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item: the session saves evidence only for failures."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    from harness.browser import launch_chromium

    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser_clock(refapp: AppUnderTest, recorder: Recorder) -> AsyncIterator[VirtualClock]:
    """Virtual time moving the app's test clock ([clock] endpoint, set to the virtual start)
    with the pages' clocks; an app whose time cannot be moved gets a clock that refuses to."""
    from harness.clock import FixedServerClock, RemoteServerClock, VirtualClock

    base_url = refapp.base_url or ""
    clock = refapp.profile.clock
    if clock.mode == "real":
        not_applicable(
            "the browser driver moves the pages' clocks with the app's: needs [clock] mode "
            "endpoint (a test clock)"
        )
    if clock.mode == "none":
        yield VirtualClock(recorder=recorder, server=FixedServerClock())
        return
    remote = RemoteServerClock(base_url, url=base_url + clock.path)
    try:
        virtual = VirtualClock(recorder=recorder, server=remote)
        await remote.set(virtual.now())
        yield virtual
    finally:
        await remote.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def session(
    request: pytest.FixtureRequest,
    browser: Browser,
    refapp: AppUnderTest,
    clock: VirtualClock,
    recorder: Recorder,
    target: Target,
    tmp_path: Path,
) -> AsyncIterator[BrowserSession]:
    """Profiles of this test; on failure each tab's screenshot and each profile's trace."""
    from harness.browser import BrowserSession

    artifacts = tmp_path / "browser"
    console = not request.config.getoption("ignore_console_events", False)
    async with BrowserSession(
        refapp.base_url or "",
        clock,
        recorder,
        artifacts,
        browser=browser,
        target=target,
        console_events=console,
    ) as opened:
        yield opened
        reports = request.node.stash.get(_REPORTS, {})
        if any(report.failed for report in reports.values()):
            opened.mark_failed()
            if refapp.server is None:
                return  # an app the harness did not start keeps its own log
            log = refapp.server.save_log(artifacts / "server.log")
            recorder.emit(
                Artifact(
                    at=clock.now(),
                    wall=recorder.wall(),
                    source="browser",
                    path=str(log),
                    label="server log (shared by the suite)",
                )
            )


@pytest_asyncio.fixture(loop_scope="session")
async def browser_profiles(session: BrowserSession, target: Target) -> ProfileFactory:
    """Browser profiles (Chromium contexts) of the target's users, closed with the session."""
    from harness.client import ClientOptions

    async def make(
        user: str | int = 0, *, name: str | None = None, options: ClientOptions | None = None
    ) -> ProfileDriver:
        account = user_of(target.profile, user)
        return await session.new_profile(
            name or account.name,
            user=account,
            options=options or ClientOptions(),
        )

    return make
