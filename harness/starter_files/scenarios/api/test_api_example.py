"""API suite example: a simulated user keeps chatting across the access token's expiry."""

from __future__ import annotations

import pytest

from harness import ProfileFactory, Recorder, VirtualClock, checks


@pytest.mark.ac("SESSION-1")
@pytest.mark.scenario("User active, access token expires")
async def test_active_user_is_not_redirected(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile()).login()  # the target profile's first user
    for _ in range(40):
        await clock.advance(60)  # server, tabs and timers move together
        await tab.chat("2+2")
    checks.no_redirect_to_login(recorder)
