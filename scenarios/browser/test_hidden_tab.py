"""A background tab (document hidden) waking after two hours refreshes once and carries on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import Recorder, RefreshStarted
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
ASLEEP = timedelta(hours=2)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User idle 30 min, returns")
@pytest.mark.refapp(idle_timeout_seconds=0)  # two hours away must not count as idle here
async def test_hidden_tab_waking_after_two_hours_refreshes_once_and_keeps_working(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await tab.hide()
    await clock.advance(ASLEEP, mode="fast_forward")
    assert alice.refresh_request_count == 0  # hidden tabs leave the refresh to visible ones
    async with tab.page.expect_response("**/api/auth/refresh"):
        await tab.show()  # visibilitychange: the tab checks its token at once
    assert alice.refresh_request_count == 1
    assert await tab.send_chat("10/4") == "2.5"
    assert alice.refresh_request_count == 1
    started = [e for e in recorder.of_kind(RefreshStarted) if isinstance(e, RefreshStarted)]
    assert [e.reason for e in started] == ["timer"]
    checks.no_redirect_to_login(recorder)
    checks.no_interruption(recorder)
    checks.no_unauthorized(recorder)
