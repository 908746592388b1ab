"""AC2: the access token is refreshed before it expires, not after a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    ClientOptions,
    Profile,
    ProfileFactory,
    Promise,
    ServerView,
    VirtualClock,
    checks,
)
from harness.events import LoggedIn, Recorder, RefreshStarted


async def act_every_minute_through_two_lifetimes(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    options: ClientOptions | None = None,
) -> Profile:
    user = await profile(options=options)
    tab = await user.login()
    step = min(timedelta(minutes=1), promise.access_ttl / 10)
    for _ in range(round(promise.access_ttl * 7 / 3 / step)):
        await clock.advance(step)
        assert await tab.chat("6*7")
    return user


@pytest.mark.ac("AC2")
async def test_active_user_gets_a_new_token_before_the_old_one_expires(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    user = await act_every_minute_through_two_lifetimes(profile, clock, promise)
    checks.refreshed_before_expiry(recorder)
    checks.no_unauthorized(recorder)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder)
    checks.server_saw_activity(record, recorder)
    checks.server_deadlines_as_promised(record, promise.policy)
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    ttl = promise.access_ttl
    early = timedelta(seconds=user.policy.threshold_for(ttl.total_seconds()))
    # The threshold before expiry, give or take one tick of the refresh timer.
    tick = timedelta(seconds=user.policy.tick_seconds)
    assert ttl - early - tick <= first.at - login.at <= ttl - early + tick
    assert first.reason in ("proactive", "timer")


@pytest.mark.negative
@pytest.mark.ac("AC2")
async def test_client_without_proactive_refresh_is_caught_refreshing_after_expiry(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    await act_every_minute_through_two_lifetimes(
        profile, clock, promise, ClientOptions(proactive_refresh=False)
    )
    with pytest.raises(CheckFailed, match="expired before a refresh"):
        checks.refreshed_before_expiry(recorder)
    with pytest.raises(CheckFailed, match="token_"):
        checks.no_unauthorized(recorder)
    checks.no_redirect_to_login(recorder)  # the refusal path hides the bug from AC1 alone
