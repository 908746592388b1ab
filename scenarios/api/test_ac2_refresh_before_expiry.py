"""AC2: the access token is refreshed before it expires, not after a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    ClientOptions,
    Pace,
    ProfileDriver,
    ProfileFactory,
    Promise,
    ServerView,
    VirtualClock,
    checks,
)
from harness.behaviour import work_through
from harness.events import LoggedIn, Recorder, RefreshStarted

pytestmark = pytest.mark.drivers("api", "browser")


async def act_through_two_lifetimes(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    pace: Pace,
    options: ClientOptions | None = None,
) -> ProfileDriver:
    """An action at the driver's pace through 2⅓ token lifetimes; every timer runs in order
    around the first refresh."""
    user = await profile(options=options)
    tab = await user.login()
    due = refresh_due(user, promise)
    watch = (due - timedelta(minutes=2), due + timedelta(minutes=2))
    every = min(pace.action_every, promise.access_ttl / 10)
    await work_through(tab, clock, pace, span=promise.access_ttl * 7 / 3, watch=watch, every=every)
    return user


def refresh_due(user: ProfileDriver, promise: Promise) -> timedelta:
    """How long after login the client refreshes: the threshold before the token expires."""
    ttl = promise.access_ttl
    return ttl - timedelta(seconds=user.policy.threshold_for(ttl.total_seconds()))


@pytest.mark.ac("AC2")
async def test_active_user_gets_a_new_token_before_the_old_one_expires(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user = await act_through_two_lifetimes(profile, clock, promise, pace)
    checks.refreshed_before_expiry(recorder)
    checks.no_unauthorized(recorder)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder)
    checks.server_saw_activity(record, recorder)
    checks.server_deadlines_as_promised(record, promise.policy)
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    # The threshold before expiry, give or take one tick of the refresh timer.
    slack = timedelta(seconds=user.policy.tick_seconds) + pace.precision
    due = refresh_due(user, promise)
    assert due - slack <= first.at - login.at <= due + slack
    assert first.reason in ("proactive", "timer")


@pytest.mark.negative
@pytest.mark.ac("AC2")
async def test_client_without_proactive_refresh_is_caught_refreshing_after_expiry(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    await act_through_two_lifetimes(
        profile, clock, promise, pace, ClientOptions(proactive_refresh=False)
    )
    with pytest.raises(CheckFailed, match="expired before a refresh"):
        checks.refreshed_before_expiry(recorder)
    with pytest.raises(CheckFailed, match="token_"):
        checks.no_unauthorized(recorder)
    checks.no_redirect_to_login(recorder)  # the refusal path hides the bug from AC1 alone
