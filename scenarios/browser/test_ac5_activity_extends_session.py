"""AC5 in Chromium: clicks in one tab keep every tab of the profile signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import IdleLogout, Recorder
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
IDLE_TIMEOUT = timedelta(minutes=5)
CLICK_EVERY, CLICKS = timedelta(minutes=2), 6  # 12 minutes: more than twice the idle timeout


@pytest.mark.ac("AC5", "AC6")
@pytest.mark.refapp(idle_timeout_seconds=300, warning_lead_seconds=60)
async def test_clicks_in_one_tab_keep_both_tabs_signed_in_past_the_idle_timeout(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    busy = await alice.new_tab("/login")
    await busy.login(ALICE.identifier, ALICE.secret())
    quiet = await alice.new_tab("/")
    for _ in range(CLICKS):
        await busy.activity()
        await clock.advance(CLICK_EVERY)  # run_for: the idle checks and heartbeat in order
    assert CLICK_EVERY * CLICKS > 2 * IDLE_TIMEOUT
    assert [busy.on_login_page, quiet.on_login_page] == [False, False]
    assert await quiet.send_chat("1+2") == "3"  # the server kept the session alive too
    assert recorder.count(IdleLogout) == 0
    checks.no_redirect_to_login(recorder)
    checks.no_interruption(recorder)
