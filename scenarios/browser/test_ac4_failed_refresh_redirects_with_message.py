"""AC4 in Chromium: an expired refresh token leads to the login page with a message, and
signing in again returns the user to the app with the unsent draft (a page's own state): a
graceful redirect loses none of the user's work."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from harness import NotApplicable, ProfileFactory, Promise, SignedOut, VirtualClock, checks
from harness.browser import BrowserTab
from harness.events import Recorder

DRAFT = "half-written question about the quarterly"


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
@pytest.mark.refapp(idle_timeout_seconds=0)  # the refresh token, not inactivity, ends it
async def test_expired_refresh_token_redirects_with_a_message_and_restores_the_draft(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    alice = await profile()
    tab = await alice.login()
    assert isinstance(tab, BrowserTab)
    field = tab.ui.action.fill
    if field is None:
        raise NotApplicable("needs [browser.action] fill (where the user types the draft)")
    await tab.page.locator(field).fill(DRAFT)
    # The lid closed past the refresh token's life (a week for the reference app).
    await clock.advance(promise.refresh_ttl + timedelta(minutes=1), mode="fast_forward")
    if await tab.signed_in():  # a client without timers learns it when the page next asks
        with contextlib.suppress(SignedOut):
            await tab.probe()
    await tab.wait_for_login_page()
    redirect = checks.redirected_to_login(recorder, reason="refresh_expired")
    checks.says(alice.policy, "refresh_expired", redirect.message)
    assert alice.refresh_request_count == 1  # a refused refresh is final, never refreshed again
    assert await tab.login_message() == redirect.message
    await tab.login()
    assert tab.path == urlsplit(tab.ui.app_url).path
    assert await tab.page.locator(field).input_value() == DRAFT, "the unsent draft was lost"
