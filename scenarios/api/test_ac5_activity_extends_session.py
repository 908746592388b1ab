"""AC5: what the user does (API calls, clicks) pushes the session's idle deadline forward."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    NotApplicable,
    ProfileFactory,
    Promise,
    SignedOut,
    Tab,
    VirtualClock,
    checks,
)
from harness.behaviour import chat_every
from harness.events import Recorder

MESSAGES = 6  # five idle timeouts' worth of time in all


def idle_of(promise: Promise) -> timedelta:
    idle = promise.idle_timeout
    if idle is None:
        raise NotApplicable("needs an idle timeout ([policy] idle_timeout_seconds)")
    return idle


async def message_just_inside_the_idle_timeout(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise, *, calls_dropped: bool = False
) -> Tab:
    """A message every 5/6 of the idle timeout: activity keeps the session, refreshes alone
    would not."""
    user = await profile()
    tab = await user.login()
    if calls_dropped:
        # Regression: the user's calls never reach the server (a proxy drops them).
        user.network.fail_next(user.target.profile.path_of("action"), times=MESSAGES)
    await chat_every(tab, clock, idle_of(promise) * 5 / 6, MESSAGES)
    return tab


@pytest.mark.ac("AC5")
async def test_messages_inside_the_idle_timeout_keep_the_session_for_five_timeouts(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    tab = await message_just_inside_the_idle_timeout(profile, clock, promise)
    checks.no_redirect_to_login(recorder)
    assert await tab.signed_in()
    # The server's deadline follows the calls: a minute short of it, the session still works.
    await clock.advance(idle_of(promise) - timedelta(minutes=1), mode="fast_forward")
    assert (await tab.probe()).status_code < 400
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC5")
async def test_activity_that_never_reaches_the_server_is_caught_as_a_redirect(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    await message_just_inside_the_idle_timeout(profile, clock, promise, calls_dropped=True)
    with pytest.raises(CheckFailed, match="redirect"):
        checks.no_redirect_to_login(recorder)


async def click_through_three_idle_timeouts(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise
) -> Tab:
    """The user reads and clicks, sending nothing but a last message: only the tab's heartbeat
    tells the server the user is there meanwhile."""
    idle = idle_of(promise)
    tab = await (await profile()).login()
    for _ in range(18):
        await clock.advance(idle / 6)
        if await tab.signed_in():
            await tab.activity()
    with contextlib.suppress(SignedOut):
        await tab.chat("2+2")
    return tab


@pytest.mark.ac("AC5")
@pytest.mark.needs("probe")
async def test_clicks_without_api_calls_keep_the_session_for_three_idle_timeouts(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    tab = await click_through_three_idle_timeouts(profile, clock, promise)
    checks.no_redirect_to_login(recorder)
    assert await tab.signed_in()


@pytest.mark.ac("AC5")
@pytest.mark.refapp(regressions={"no_proactive_refresh"})
async def test_clicks_with_no_heartbeat_are_caught_as_an_idle_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    # Without the tab's timer nothing tells the server about the clicks: it ends the session.
    await click_through_three_idle_timeouts(profile, clock, promise)
    with pytest.raises(CheckFailed, match="session_idle"):
        checks.no_redirect_to_login(recorder)
