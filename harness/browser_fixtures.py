"""Browser fixtures of the plugin: one Chromium per run, one app server per distinct settings.

Browser tests (the `browser` suite: folder, `browser` or `suite("browser")` marker) run in
the session's event loop so they share the browser. Settings come from the same
`@pytest.mark.refapp(...)` marker as the API suite; they become `REFAPP_*` variables of a
uvicorn process that every test with the same settings reuses. Each pytest-xdist worker
has its own browser and servers, on ports of their own.

Playwright is imported inside the fixtures: loading the plugin never imports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from harness.app import server_env
from harness.events import Artifact, Recorder
from harness.fixtures import ProfileFactory, marker_overrides, user_of
from harness.server import AppServer
from harness.target import load_profile

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from harness.browser import BrowserSession
    from harness.client import ClientOptions, Target
    from harness.clock import VirtualClock
    from harness.drivers import Driver, ProfileDriver

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item: the session saves evidence only for failures."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def env_of(overrides: Mapping[str, Any]) -> dict[str, str]:
    """The reference app's environment for these settings overrides (its profile's [server])."""
    return server_env(load_profile("reference-app"), overrides)


class ServerPool:
    """Started app servers by their environment; all stop at the end of the run."""

    def __init__(self) -> None:
        self._servers: dict[frozenset[tuple[str, str]], AppServer] = {}

    def get(self, env: dict[str, str]) -> AppServer:
        key = frozenset(env.items())
        if key not in self._servers:
            server = AppServer(env, access_log=False)
            server.start()
            self._servers[key] = server
        return self._servers[key]

    def stop_all(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


@pytest.fixture(scope="session")
def server_pool() -> Iterator[ServerPool]:
    pool = ServerPool()
    yield pool
    pool.stop_all()


@pytest.fixture
def server(
    request: pytest.FixtureRequest, server_pool: ServerPool, harness_settings: dict[str, Any]
) -> AppServer:
    """The reference app with this test's `refapp` settings, shared with like-minded tests."""
    if request.config.getoption("base_url"):
        pytest.skip("the browser suite starts its own servers; --base-url applies to the API suite")
    return server_pool.get(env_of({**harness_settings, **marker_overrides(request.node)}))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    from harness.browser import launch_chromium

    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser_clock(server: AppServer, recorder: Recorder) -> AsyncIterator[VirtualClock]:
    """Virtual time moving the server's test clock (set to the virtual start) and the pages."""
    from harness.clock import RemoteServerClock, VirtualClock

    remote = RemoteServerClock(server.base_url)
    try:
        virtual = VirtualClock(recorder=recorder, server=remote)
        await remote.set(virtual.now())
        yield virtual
    finally:
        await remote.aclose()


@pytest.fixture
def clock(request: pytest.FixtureRequest, driver: Driver) -> VirtualClock:
    """The test's virtual clock: `browser_clock` with the browser driver, else the API one."""
    # Requesting its own name gives the fixture this one overrides (harness.fixtures.clock).
    name = "browser_clock" if driver == "browser" else "clock"
    virtual: VirtualClock = request.getfixturevalue(name)
    return virtual


@pytest_asyncio.fixture(loop_scope="session")
async def session(
    request: pytest.FixtureRequest,
    browser: Browser,
    server: AppServer,
    clock: VirtualClock,
    recorder: Recorder,
    target: Target,
    tmp_path: Path,
) -> AsyncIterator[BrowserSession]:
    """Profiles of this test; on failure each tab's screenshot and each profile's trace."""
    from harness.browser import BrowserSession

    artifacts = tmp_path / "browser"
    async with BrowserSession(
        server, clock, recorder, artifacts, browser=browser, target=target
    ) as opened:
        yield opened
        reports = request.node.stash.get(_REPORTS, {})
        if any(report.failed for report in reports.values()):
            opened.mark_failed()
            log = server.save_log(artifacts / "server.log")
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
