"""harness/browser/recording.py: what a tab does becomes typed events with source "browser"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Route, async_playwright

from harness.browser import BrowserProfile, BrowserSession, BrowserTab, launch_chromium
from harness.clock import VirtualClock
from harness.events import (
    Artifact,
    ConsoleError,
    Recorder,
    RedirectToLogin,
    RefreshStarted,
    RequestSent,
    ResponseReceived,
    Unauthorized,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SITE = "http://localhost:8124"
START = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
HOME = "<!doctype html><body><p>home</p></body>"
LOGIN = '<!doctype html><body><p data-testid="login-message">{message}</p></body>'


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        yield browser
        await browser.close()


async def serve_site(profile: BrowserProfile) -> None:
    """A stand-in app: two pages, a refresh endpoint (its first request is lost on the
    network, the second answered 503) and a protected endpoint that says 401."""
    refreshes = iter(["abort", "503"])

    async def handle(route: Route) -> None:
        path = route.request.url.removeprefix(SITE).split("?")[0]
        if path == "/api/auth/refresh":
            trouble = next(refreshes, None)
            if trouble == "abort":
                await route.abort("internetdisconnected")
            elif trouble == "503":
                await route.fulfill(status=503, json={"error": "unavailable"})
            else:
                await route.fulfill(json={"access_token": "x"})
        elif path == "/api/chat":
            await route.fulfill(status=401, json={"error": "token_expired", "message": "m"})
        elif path == "/login":
            await route.fulfill(
                body=LOGIN.format(message="You were signed out after a period of inactivity."),
                content_type="text/html",
            )
        else:
            await route.fulfill(body=HOME, content_type="text/html")

    await profile.context.route(SITE + "/**", handle)


async def run_js(tab: BrowserTab, script: str) -> None:
    await tab.page.evaluate(f"async () => {{ {script} }}")


async def test_console_lines_and_errors_become_browser_events_of_their_tab(
    browser: Browser,
) -> None:
    recorder = Recorder()
    async with BrowserSession(SITE, VirtualClock(START), recorder, browser=browser) as session:
        profile = await session.new_profile("alice")
        await serve_site(profile)
        tab = await profile.new_tab("/", name="main")
        await run_js(
            tab,
            """
            console.info('auth-event ' + JSON.stringify({kind: 'refresh_started',
                                                         reason: 'proactive', at: Date.now()}));
            console.error('boom');
            setTimeout(() => { throw new Error('uncaught one'); }, 0);
            await new Promise(r => setTimeout(r, 50));""",
        )
        await tab.page.wait_for_timeout(100)
    started = recorder.of_kind(RefreshStarted)
    assert [(e.source, e.profile, e.tab, e.reason) for e in started] == [  # type: ignore[attr-defined]
        ("browser", "alice", "main", "proactive")
    ]
    assert abs((started[0].at - START).total_seconds()) < 5
    messages = [e.message for e in recorder.of_kind(ConsoleError)]  # type: ignore[attr-defined]
    assert messages[0] == "boom"
    assert "uncaught one" in messages[1]


async def test_refresh_requests_are_counted_per_profile_including_aborted_ones(
    browser: Browser,
) -> None:
    recorder = Recorder()
    async with BrowserSession(SITE, VirtualClock(START), recorder, browser=browser) as session:
        profile = await session.new_profile("alice")
        await serve_site(profile)
        tab = await profile.new_tab("/")
        outcomes = await tab.page.evaluate("""async () => {
            const out = [];
            for (let i = 0; i < 4; i++) {
                try { out.push((await fetch('/api/auth/refresh', {method: 'POST'})).status); }
                catch (err) { out.push('network error'); }
            }
            return out; }""")
    assert outcomes == ["network error", 503, 200, 200]
    assert profile.refresh_request_count == 4
    refreshes = [e for e in recorder.of_kind(RequestSent) if e.purpose == "refresh"]
    assert len(refreshes) == 4 and {e.profile for e in refreshes} == {"alice"}
    answered = [e.status for e in recorder.of_kind(ResponseReceived) if e.purpose == "refresh"]
    assert sorted(answered) == [200, 200, 503]  # in the order their bodies were read


async def test_401_and_move_to_login_page_are_recorded_with_code_reason_and_message(
    browser: Browser,
) -> None:
    recorder = Recorder()
    async with BrowserSession(SITE, VirtualClock(START), recorder, browser=browser) as session:
        profile = await session.new_profile("alice")
        await serve_site(profile)
        tab = await profile.new_tab("/")
        await run_js(tab, "await fetch('/api/chat', {method: 'POST'});")
        await run_js(tab, "location.assign('/login?reason=session_idle&next=%2F');")
        await tab.wait_for_login_page()
        assert await tab.login_message() == "You were signed out after a period of inactivity."
        await tab.page.wait_for_timeout(200)
    [unauthorized] = recorder.of_kind(Unauthorized)
    assert (unauthorized.path, unauthorized.error) == ("/api/chat", "token_expired")  # type: ignore[attr-defined]
    [redirect] = recorder.of_kind(RedirectToLogin)
    assert redirect.reason == "session_idle"  # type: ignore[attr-defined]
    assert redirect.message == "You were signed out after a period of inactivity."  # type: ignore[attr-defined]
    assert tab.on_login_page


async def test_opening_the_login_page_directly_is_not_a_redirect(browser: Browser) -> None:
    recorder = Recorder()
    async with BrowserSession(SITE, VirtualClock(START), recorder, browser=browser) as session:
        profile = await session.new_profile("alice")
        await serve_site(profile)
        await profile.new_tab("/login")
    assert recorder.count(RedirectToLogin) == 0


async def test_failed_session_saves_a_screenshot_per_tab_and_a_trace_per_profile(
    browser: Browser,
    tmp_path: Path,
) -> None:
    recorder = Recorder()
    with pytest.raises(AssertionError, match="scenario failed"):
        async with BrowserSession(
            SITE, VirtualClock(START), recorder, tmp_path, browser=browser
        ) as session:
            profile = await session.new_profile("alice")
            await serve_site(profile)
            await profile.new_tab("/", name="one")
            await profile.new_tab("/login", name="two")
            raise AssertionError("scenario failed")
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert saved == ["alice-one.png", "alice-trace.zip", "alice-two.png"]
    assert all((tmp_path / name).stat().st_size > 1000 for name in saved)
    assert sorted(Path(e.path).name for e in recorder.of_kind(Artifact)) == saved  # type: ignore[attr-defined]


async def test_passing_session_saves_no_artifacts(browser: Browser, tmp_path: Path) -> None:
    recorder = Recorder()
    async with BrowserSession(
        SITE, VirtualClock(START), recorder, tmp_path, browser=browser
    ) as session:
        profile = await session.new_profile("alice")
        await serve_site(profile)
        await profile.new_tab("/")
    assert list(tmp_path.iterdir()) == []
    assert recorder.count(Artifact) == 0


async def test_closing_session_detaches_its_profiles_from_the_clock(browser: Browser) -> None:
    clock = VirtualClock(START)
    async with BrowserSession(SITE, clock, Recorder(), browser=browser) as session:
        await session.new_profile("alice")
    await clock.advance(timedelta(minutes=5))  # would fail on the closed context if attached
    assert clock.now() == START + timedelta(minutes=5)
