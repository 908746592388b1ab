"""Multiple tabs in Chromium: ten tabs in two profiles across the expiry; logout in one tab."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserProfile, BrowserSession
from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.events import Recorder, RedirectToLogin
from harness.target import load_profile

TABS = 5
SIGNED_OUT_MESSAGE = "You have signed out."
# Quiet until just before the refresh threshold (25 min), every timer in order across it,
# then on past the expiry (30 min).
QUIET = timedelta(minutes=24, seconds=30)
BUSY, PAST_EXPIRY = timedelta(minutes=1), timedelta(minutes=6)


async def signed_in(session: BrowserSession, user: str, tabs: int = TABS) -> BrowserProfile:
    profile = await session.new_profile(user)
    first = await profile.new_tab("/login")
    account = load_profile("reference-app").user(user)
    await first.login(account.identifier, account.secret())
    # Each new tab takes the token from the tabs already open: no refresh.
    await asyncio.gather(*(profile.new_tab("/") for _ in range(tabs - 1)))
    return profile


async def every_tab_chats(profile: BrowserProfile, text: str) -> list[str]:
    return list(await asyncio.gather(*(tab.send_chat(text) for tab in profile.tabs)))


async def ten_tabs_across_expiry(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> list[BrowserProfile]:
    """Both profiles' tabs chat, timers run through the expiry; one refresh per profile."""
    profiles = list(await asyncio.gather(signed_in(session, "alice"), signed_in(session, "bob")))
    await clock.advance(QUIET, mode="fast_forward")
    checks.refreshes_per_profile(recorder, 0)  # opening tabs costs no refresh
    checks.no_redirect_to_login(recorder)
    for profile in profiles:
        assert await every_tab_chats(profile, "1+1") == ["2"] * TABS
    await clock.advance(BUSY)  # run_for: every tab's refresh timer fires at the threshold
    await clock.advance(PAST_EXPIRY, mode="fast_forward")
    checks.refreshes_per_profile(recorder, 1)
    checks.no_redirect_to_login(recorder)
    return profiles


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("Multiple tabs open")
async def test_ten_tabs_in_two_profiles_refresh_once_per_profile_and_keep_working(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    profiles = await ten_tabs_across_expiry(session, clock, recorder)
    for profile in profiles:
        assert await every_tab_chats(profile, "6*7") == ["42"] * TABS
        assert profile.refresh_request_count == 1
    checks.no_interruption(recorder)
    checks.no_unauthorized(recorder)


@pytest.mark.negative
@pytest.mark.ac("AC1")
@pytest.mark.scenario("Multiple tabs open")
@pytest.mark.refapp(regressions={"per_tab_lock"}, rotation_grace_seconds=0)
async def test_per_tab_refresh_lock_without_grace_is_caught_refreshing_in_every_tab(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    with pytest.raises(CheckFailed, match=r"refresh request|redirect"):
        await ten_tabs_across_expiry(session, clock, recorder)
    assert max(checks.refresh_requests(recorder).values()) > 1


@pytest.mark.scenario("Logout in one tab logs out every tab")
async def test_logout_in_one_tab_sends_every_tab_of_the_profile_to_the_login_page(
    session: BrowserSession, recorder: Recorder
) -> None:
    alice, bob = await signed_in(session, "alice", 3), await signed_in(session, "bob", 1)
    await alice.tabs[1].logout()
    await asyncio.gather(*(tab.wait_for_login_page() for tab in alice.tabs))
    assert [await tab.login_message() for tab in alice.tabs] == [SIGNED_OUT_MESSAGE] * 3
    assert recorder.count(RedirectToLogin, profile="alice") == 3
    checks.redirected_to_login(recorder, reason="logout", profile="alice")
    assert await bob.tabs[0].send_chat("2*3") == "6"  # another user's browser is untouched
    checks.no_redirect_to_login(recorder, profile="bob")
