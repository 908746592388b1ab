"""AC2: the access token is refreshed before it expires, not after a 401."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.checks import CheckFailed
from harness.client import ClientOptions
from harness.clock import VirtualClock
from harness.events import LoggedIn, Recorder, RefreshStarted
from harness.fixtures import ProfileFactory


async def chat_every_minute_for_seventy_minutes(
    profile: ProfileFactory, clock: VirtualClock, options: ClientOptions | None = None
) -> None:
    tab = await (await profile("alice", options=options)).login()
    for _ in range(70):
        await clock.advance(60)
        assert await tab.chat("6*7") == "42"


@pytest.mark.ac("AC2")
async def test_active_user_gets_a_new_token_before_the_old_one_expires(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    await chat_every_minute_for_seventy_minutes(profile, clock)
    checks.refreshed_before_expiry(recorder)
    checks.no_unauthorized(recorder)
    [login] = recorder.of_kind(LoggedIn)
    first = next(e for e in recorder.of_kind(RefreshStarted) if isinstance(e, RefreshStarted))
    # 5 minutes before the 30-minute expiry, give or take one tick of the refresh timer.
    assert timedelta(minutes=25) <= first.at - login.at <= timedelta(minutes=25, seconds=30)
    assert first.reason in ("proactive", "timer")


@pytest.mark.ac("AC2")
async def test_client_without_proactive_refresh_is_caught_refreshing_after_expiry(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    await chat_every_minute_for_seventy_minutes(
        profile, clock, ClientOptions(proactive_refresh=False)
    )
    with pytest.raises(CheckFailed, match="expired before a refresh"):
        checks.refreshed_before_expiry(recorder)
    with pytest.raises(CheckFailed, match="token_expired"):
        checks.no_unauthorized(recorder)
    checks.no_redirect_to_login(recorder)  # the 401 path hides the bug from AC1 alone
