"""reference_app/static in Chromium: the chat draft's owner, and the constants served to the JS."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Route, async_playwright

from harness.browser import BrowserProfile, BrowserSession, BrowserTab, launch_chromium
from harness.clock import RemoteServerClock, VirtualClock
from harness.events import BannerShown, Recorder, RefreshRetry
from harness.server import AppServer
from harness.target import load_profile

pytestmark = pytest.mark.asyncio(loop_scope="module")

REFERENCE = load_profile("reference-app")
ALICE, BOB = REFERENCE.user("alice"), REFERENCE.user("bob")
FAST_LOGIN = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}
DRAFT = "alice's half-written question"


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    with AppServer(FAST_LOGIN, access_log=False) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        launched = await launch_chromium(pw)
        yield launched
        await launched.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest_asyncio.fixture(loop_scope="module")
async def clock(server: AppServer, recorder: Recorder) -> AsyncIterator[VirtualClock]:
    """Virtual time for the server's test clock and the pages."""
    remote = RemoteServerClock(server.base_url)
    try:
        virtual = VirtualClock(recorder=recorder, server=remote)
        await remote.set(virtual.now())
        yield virtual
    finally:
        await remote.aclose()


@pytest_asyncio.fixture(loop_scope="module")
async def session(
    server: AppServer, browser: Browser, clock: VirtualClock, recorder: Recorder, tmp_path: Path
) -> AsyncIterator[BrowserSession]:
    async with BrowserSession(server, clock, recorder, tmp_path, browser=browser) as opened:
        yield opened


async def draft_of(tab: BrowserTab) -> str:
    return await tab.page.get_by_test_id("chat-input").input_value()


async def test_draft_is_not_shown_to_the_next_user_of_the_profile_after_sign_out(
    session: BrowserSession,
) -> None:
    shared = await session.new_profile("shared")
    tab = await shared.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await tab.page.get_by_test_id("chat-input").fill(DRAFT)
    await tab.logout()
    await tab.login(BOB.identifier, BOB.secret())
    assert await draft_of(tab) == ""
    await tab.logout()
    await tab.login(ALICE.identifier, ALICE.secret())
    assert await draft_of(tab) == ""  # removed at sign-out, not only hidden from Bob
    keys = await tab.page.evaluate("() => Object.keys(localStorage)")
    assert not [key for key in keys if "draft" in key], keys


async def test_draft_left_by_a_signed_out_tab_is_removed_by_the_broadcast(
    session: BrowserSession,
) -> None:
    alice = await session.new_profile("alice")
    writing = await alice.new_tab("/login")
    await writing.login(ALICE.identifier, ALICE.secret())
    other = await alice.new_tab("/")
    await writing.page.get_by_test_id("chat-input").fill(DRAFT)
    await other.logout()  # the other tab signs out; the writing one follows
    await writing.wait_for_login_page()
    await writing.login(ALICE.identifier, ALICE.secret())
    assert await draft_of(writing) == ""


async def serve_client_constants(profile: BrowserProfile, **client: Any) -> None:
    """Every page of `profile` gets `/api/auth/config` with these client constants changed."""

    async def rewrite(route: Route) -> None:
        response = await route.fetch()
        config = await response.json()
        config["client"] |= client
        await route.fulfill(response=response, json=config)

    await profile.context.route("**/api/auth/config", rewrite)


async def test_login_page_shows_the_served_sign_out_message(session: BrowserSession) -> None:
    alice = await session.new_profile("alice")
    await serve_client_constants(alice, messages={"logout": "Signed out (served text)."})
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await tab.logout()
    assert await tab.login_message() == "Signed out (served text)."


async def test_refresh_backoff_and_banner_follow_the_served_constants(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    await serve_client_constants(
        alice, banner_connection="Offline (served text).", retry_delays_seconds=[3]
    )
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await clock.advance(timedelta(minutes=24), mode="fast_forward")  # refresh due at 25 min
    alice.network.offline = True  # every request fails: the network is down
    # run_for: the first tick after 25 min tries, waits 3 s, tries again, shows the banner.
    await clock.advance(timedelta(minutes=2))
    assert await tab.banner() == "Offline (served text)."
    shown = [e.message for e in recorder.of_kind(BannerShown) if isinstance(e, BannerShown)]
    assert shown == ["Offline (served text)."]
    delays = [e.delay_s for e in recorder.of_kind(RefreshRetry) if isinstance(e, RefreshRetry)]
    assert delays and set(delays) == {3}
