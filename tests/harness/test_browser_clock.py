"""harness/browser/profile.py: the context clock follows the VirtualClock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Route, async_playwright

from harness._realtime import wall_seconds
from harness.browser import BrowserProfile, BrowserSession, launch_chromium
from harness.clock import VirtualClock
from harness.events import Recorder

pytestmark = pytest.mark.asyncio(loop_scope="module")

SITE = "http://localhost:8123"
START = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
# A 60 s interval counts its firings; loadedAt is Date.now() when the first script ran.
INTERVAL_PAGE = """<!doctype html><body><script>
window.loadedAt = Date.now(); window.ticks = 0;
setInterval(() => { window.ticks += 1; }, 60000);
</script></body>"""


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        yield browser
        await browser.close()


async def open_page(session: BrowserSession, name: str = "alice") -> tuple[BrowserProfile, int]:
    profile = await session.new_profile(name)

    async def serve(route: Route) -> None:
        await route.fulfill(body=INTERVAL_PAGE, content_type="text/html")

    await profile.context.route(SITE + "/**", serve)
    tab = await profile.new_tab("/")
    return profile, int(await tab.page.evaluate("window.loadedAt"))


async def ticks(profile: BrowserProfile) -> int:
    return int(await profile.tabs[0].page.evaluate("window.ticks"))


async def ticks_and_page_age_s(profile: BrowserProfile) -> tuple[int, float]:
    """The firings so far and the page's age in page time, read in one go: between moves the
    context clock flows in real time, so a slow machine may see one more firing than the
    virtual span alone would give."""
    ticks, age_ms = await profile.tabs[0].page.evaluate("[window.ticks, Date.now() - loadedAt]")
    return int(ticks), float(age_ms) / 1000


async def test_page_loaded_after_install_sees_virtual_time_from_its_first_script(
    browser: Browser,
) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        _, loaded_at_ms = await open_page(session)
    skew = loaded_at_ms / 1000 - START.timestamp()
    # The context clock flows in real time after install; a page load takes well under 5 s.
    assert 0 <= skew < 5, f"page started at {skew:+.3f} s from virtual time"


async def test_fast_forward_fires_a_due_interval_once_like_a_closed_laptop(
    browser: Browser,
) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        profile, _ = await open_page(session)
        await clock.advance(timedelta(minutes=30), mode="fast_forward")
        assert await ticks(profile) == 1
        page_now = await profile.tabs[0].page.evaluate("Date.now()") / 1000
    assert abs(page_now - (START + timedelta(minutes=30)).timestamp()) < 5


async def test_run_for_fires_every_interval_in_order_stepping_with_the_virtual_clock(
    browser: Browser,
) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        profile, loaded_at_ms = await open_page(session)
        moves: list[datetime] = []
        original = profile.clock_moved

        async def spy(now: datetime, mode: str) -> None:
            moves.append(now)
            await original(now, mode)

        profile.clock_moved = spy  # type: ignore[method-assign]
        await clock.advance(timedelta(minutes=30), mode="run_for")
        # The interval started when the page loaded, a little after START in page time.
        span_s = (START + timedelta(minutes=30)).timestamp() - loaded_at_ms / 1000
        fired, age_s = await ticks_and_page_age_s(profile)
        assert fired == int(age_s // 60) >= int(span_s // 60) >= 29
    # next_due() makes the clock step every 30 s, so the server never runs far ahead.
    assert len(moves) == 60
    assert moves[0] == START + timedelta(seconds=30)
    assert moves[-1] == START + timedelta(minutes=30)


async def test_seven_day_fast_forward_with_two_profiles_takes_no_real_waiting(
    browser: Browser,
) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        alice, _ = await open_page(session, "alice")
        bob, _ = await open_page(session, "bob")
        began = wall_seconds()
        await clock.advance(timedelta(days=7), mode="fast_forward")
        elapsed = wall_seconds() - began
        assert (await ticks(alice), await ticks(bob)) == (1, 1)
    assert elapsed < 5, f"a 7-day fast_forward took {elapsed:.2f} s of real time"


async def test_clock_move_behind_a_page_that_ran_ahead_sets_date_without_firing_timers(
    browser: Browser,
) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        profile, _ = await open_page(session)
        await profile.clock_moved(START - timedelta(minutes=10), "run_for")
        page_now = await profile.tabs[0].page.evaluate("Date.now()") / 1000
        assert await ticks(profile) == 0
    assert abs(page_now - (START - timedelta(minutes=10)).timestamp()) < 5


async def test_profile_without_step_is_never_due(browser: Browser) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        stepped = await session.new_profile("alice")
        free = await session.new_profile("bob", step=None)
        assert stepped.next_due() == START + timedelta(seconds=30)
        assert free.next_due() is None


# At 1 s a fetch starts, guarded by a 10 s timeout; the endpoint answers after `delay` real s.
GUARDED_FETCH_PAGE = """<!doctype html><body><script>
window.order = [];
setTimeout(() => {
    const guard = setTimeout(() => window.order.push('timeout'), 10000);
    fetch('/slow').then(r => r.text()).then(() => { window.order.push('reply');
                                                   clearTimeout(guard); });
}, 1000);
</script></body>"""


async def guarded_fetch_order(browser: Browser, slice_: timedelta, delay: float) -> list[str]:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        profile = await session.new_profile("alice", slice_=slice_)

        async def serve(route: Route) -> None:
            if route.request.url.endswith("/slow"):
                await asyncio.sleep(delay)
                await route.fulfill(body="ok")
            else:
                await route.fulfill(body=GUARDED_FETCH_PAGE, content_type="text/html")

        await profile.context.route(SITE + "/**", serve)
        tab = await profile.new_tab("/")
        await clock.advance(timedelta(seconds=30), mode="run_for")
        return list(await tab.page.evaluate("window.order"))


async def test_run_for_waits_for_requests_in_flight_so_their_timeouts_do_not_fire(
    browser: Browser,
) -> None:
    assert await guarded_fetch_order(browser, timedelta(seconds=10), 0.3) == ["reply"]


async def test_run_for_in_one_slice_lets_a_request_timeout_fire_during_real_io(
    browser: Browser,
) -> None:
    # The hazard the slices exist for: 30 s of page time pass while the reply is on the wire.
    order = await guarded_fetch_order(browser, timedelta(seconds=30), 1.0)
    assert order == ["timeout", "reply"]
