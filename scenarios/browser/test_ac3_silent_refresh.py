"""AC3 in Chromium: a user back after 30 minutes idle gets a reply, nothing else on screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import Mode, VirtualClock
from harness.events import Recorder, RefreshSucceeded
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
IDLE = timedelta(minutes=31)  # just past the 30-minute access token


@pytest.mark.ac("AC3")
@pytest.mark.scenario("User idle 30 min, returns")
@pytest.mark.parametrize(
    "mode",
    [pytest.param("run_for", id="tab-open"), pytest.param("fast_forward", id="laptop-asleep")],
)
async def test_user_returning_after_thirty_minutes_idle_is_refreshed_silently(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder, mode: Mode
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    before = await tab.send_chat("2+2")
    await clock.advance(IDLE, mode=mode)
    assert [before, await tab.send_chat("3*3")] == ["4", "9"]
    assert recorder.count(RefreshSucceeded) == 1
    assert await tab.banner_text() is None
    assert await tab.warning() is None
    checks.no_interruption(recorder)
    checks.no_unauthorized(recorder)
