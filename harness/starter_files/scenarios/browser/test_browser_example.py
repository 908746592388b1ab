"""Browser suite example: a user chatting in Chromium across a token expiry stays signed in.

The `profile` fixture gives Chromium profiles in a `browser` folder (simulated ones in an
`api` folder); `@pytest.mark.drivers("api", "browser")` runs one test with both.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ProfileFactory, Recorder, VirtualClock, checks


@pytest.mark.ac("SESSION-1")
@pytest.mark.scenario("User active, access token expires")
async def test_user_chatting_past_the_expiry_stays_on_the_chat_page(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile()).login()  # the target profile's first user
    for minute in range(0, 40, 10):
        assert await tab.stream_chat(f"{minute}+1") == str(minute + 1)
        await clock.advance(timedelta(minutes=10), mode="fast_forward")
    checks.no_redirect_to_login(recorder)
