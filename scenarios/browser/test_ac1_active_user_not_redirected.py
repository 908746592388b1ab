"""AC1 in Chromium: a user chatting across access-token expiries stays on the chat page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
# 65 minutes with a 30-minute access token: two expiries. Between messages the page's
# timers fire once per gap (fast_forward), as in a browser that throttles them.
MINUTES, EVERY = 65, timedelta(minutes=5)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User active, access token expires")
async def test_user_chatting_every_five_minutes_for_an_hour_is_never_redirected(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    minutes = range(0, MINUTES + 1, 5)
    replies = []
    for minute in minutes:  # streamed and plain replies in turn
        replies.append(await tab.send_chat(f"{minute}+1", stream=minute % 10 == 0))
        await clock.advance(EVERY, mode="fast_forward")
    checks.no_redirect_to_login(recorder)
    checks.no_interruption(recorder)
    checks.no_unauthorized(recorder)
    assert replies == [str(minute + 1) for minute in minutes]
    assert alice.refresh_request_count == 2  # one per token lifetime
