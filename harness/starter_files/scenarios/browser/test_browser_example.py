"""Browser suite example: a user chatting in Chromium across a token expiry stays signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import Recorder, TargetProfile, VirtualClock, checks
from harness.browser import BrowserSession


@pytest.mark.ac("SESSION-1")
@pytest.mark.scenario("User active, access token expires")
async def test_user_chatting_past_the_expiry_stays_on_the_chat_page(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder, target_profile: TargetProfile
) -> None:
    user = target_profile.users[0]
    tab = await (await session.new_profile(user.name)).new_tab("/login")
    await tab.login(user.identifier, user.secret())
    for minute in range(0, 40, 10):
        assert await tab.send_chat(f"{minute}+1") == str(minute + 1)
        await clock.advance(timedelta(minutes=10), mode="fast_forward")
    checks.no_redirect_to_login(recorder)
