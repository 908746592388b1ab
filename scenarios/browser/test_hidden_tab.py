"""A background tab (document hidden) waking after two hours refreshes once and carries on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ProfileFactory, VirtualClock, checks
from harness.events import Recorder, RefreshStarted

ASLEEP = timedelta(hours=2)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User idle 30 min, returns")
@pytest.mark.refapp(idle_timeout_seconds=0)  # two hours away must not count as idle here
@pytest.mark.drivers("browser", api="a simulated tab has no visibility: no page to hide")
async def test_hidden_tab_waking_after_two_hours_refreshes_once_and_keeps_working(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login()
    await tab.hide()
    await clock.advance(ASLEEP, mode="fast_forward")
    assert checks.refresh_requests(recorder)[alice.name] == 0  # hidden tabs leave it to others
    await tab.show()  # visibilitychange: the tab checks its token at once
    assert await tab.chat("10/4")
    assert checks.refresh_requests(recorder)[alice.name] == 1
    # Its own timer ("timer" where the page says so; seen from outside: before any refusal).
    assert [e.reason for e in recorder.of_kind(RefreshStarted)] in (["timer"], ["proactive"])
    checks.no_redirect_to_login(recorder)
    checks.no_interruption(recorder)
    checks.no_unauthorized(recorder)
