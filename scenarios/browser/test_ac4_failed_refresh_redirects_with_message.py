"""AC4 in Chromium: an expired refresh token leads to the login page with a message, and
signing in again returns the user to the chat with the unsent draft (a page's own state)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ProfileFactory, VirtualClock, checks
from harness.browser import BrowserTab
from harness.events import Recorder

PAST_REFRESH_TTL = timedelta(days=7, minutes=1)
DRAFT = "half-written question about the quarterly"


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
@pytest.mark.refapp(idle_timeout_seconds=0)  # the refresh token, not inactivity, ends it
async def test_expired_refresh_token_redirects_with_a_message_and_restores_the_draft(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login()
    assert isinstance(tab, BrowserTab)
    await tab.page.get_by_test_id("chat-input").fill(DRAFT)
    await clock.advance(PAST_REFRESH_TTL, mode="fast_forward")  # a week with the lid closed
    await tab.wait_for_login_page()
    redirect = checks.redirected_to_login(recorder, reason="refresh_expired")
    assert redirect.message == alice.policy.message_for("refresh_expired")
    assert alice.refresh_request_count == 1  # a refused refresh is final, never refreshed again
    assert await tab.login_message() == redirect.message
    await tab.login()
    assert tab.path == "/"
    assert await tab.page.get_by_test_id("chat-input").input_value() == DRAFT
