"""AC4 in Chromium: an expired refresh token leads to the login page with a message, and
signing in again returns the user to the chat with the unsent draft."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
PAST_REFRESH_TTL = timedelta(days=7, minutes=1)
EXPIRED_MESSAGE = "Your session has expired. Please sign in again."
DRAFT = "half-written question about the quarterly"


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
@pytest.mark.refapp(idle_timeout_seconds=0)  # the refresh token, not inactivity, ends it
async def test_expired_refresh_token_redirects_with_a_message_and_restores_the_draft(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await tab.page.get_by_test_id("chat-input").fill(DRAFT)
    await clock.advance(PAST_REFRESH_TTL, mode="fast_forward")  # a week with the lid closed
    await tab.wait_for_login_page()
    redirect = checks.redirected_to_login(recorder, reason="refresh_expired")
    assert redirect.message == EXPIRED_MESSAGE
    assert alice.refresh_request_count == 1  # a refused refresh is final, never refreshed again
    assert await tab.login_message() == EXPIRED_MESSAGE
    await tab.login(ALICE.identifier, ALICE.secret())
    assert tab.path == "/"
    assert await tab.page.get_by_test_id("chat-input").input_value() == DRAFT
