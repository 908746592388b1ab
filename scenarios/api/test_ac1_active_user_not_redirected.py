"""AC1: a user who keeps working is never sent back to the login page."""

from __future__ import annotations

import asyncio
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
    SignedOut,
    TabDriver,
    VirtualClock,
    checks,
)
from harness.events import LoggedIn, Recorder, RefreshSucceeded

pytestmark = pytest.mark.drivers("api", "browser")

TOKENS = 4  # the user works through four access-token lifetimes


def step_of(promise: Promise, pace: Pace) -> timedelta:
    """An action at the driver's pace, or more often when tokens live only a few minutes."""
    return min(pace.action_every, promise.access_ttl / 5)


async def work_in_every_tab(
    tabs: list[TabDriver], clock: VirtualClock, pace: Pace, step: timedelta, steps: int
) -> None:
    """An action per step, tab after tab; every 5 steps every page polls at once.

    Stops when the user is sent to the login page: the checks then say what went wrong.
    """
    for n in range(steps):
        try:
            if n % 5 == 0:
                await asyncio.gather(*(tab.probe() for tab in tabs))
            assert await tabs[n % len(tabs)].chat("2+2")
        except SignedOut:
            return
        await clock.advance(step, mode=pace.gaps)


async def active_user_with_three_tabs(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    pace: Pace,
    options: ClientOptions | None = None,
    refresh_latency: float = 0.0,
) -> tuple[ProfileDriver, list[TabDriver]]:
    user = await profile(options=options)
    if refresh_latency:
        user.network.slow(promise.profile.path_of("refresh"), refresh_latency)
    tabs = [await user.login(), await user.open_tab(), await user.open_tab()]
    step = step_of(promise, pace)
    await work_in_every_tab(tabs, clock, pace, step, round(TOKENS * promise.access_ttl / step))
    return user, tabs


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User active, access token expires")
async def test_user_working_in_three_tabs_through_four_token_lifetimes_is_never_redirected(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user, tabs = await active_user_with_three_tabs(profile, clock, promise, pace)
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)
    checks.no_interruption(recorder)
    assert all([await tab.signed_in() for tab in tabs])
    # The user really worked past the token's expiry, again and again.
    assert recorder.count(LoggedIn) + recorder.count(RefreshSucceeded) >= TOKENS
    # The server's side: one rotation per refresh, every call seen, the session still open.
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder)
    checks.server_saw_activity(record, recorder)
    checks.server_kept_session(record)
    checks.server_deadlines_as_promised(record, promise.policy)


@pytest.mark.negative
@pytest.mark.ac("AC1")
@pytest.mark.refapp(rotation_grace_seconds=0)
async def test_per_tab_refresh_lock_without_grace_is_caught_redirecting_the_user(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    # Regression: tabs refresh on their own with the shared cookie; the server sees reuse.
    # A slow auth server keeps the tabs' refreshes in flight together, as real latency does.
    options = ClientOptions(shared_lock=False)
    await active_user_with_three_tabs(profile, clock, promise, pace, options, refresh_latency=0.5)
    with pytest.raises(CheckFailed, match="refresh_reused"):
        checks.no_redirect_to_login(recorder)
