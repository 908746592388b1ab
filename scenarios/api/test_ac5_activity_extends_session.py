"""AC5: what the user does (API calls, clicks) pushes the session's idle deadline forward."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
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
from harness.behaviour import chat_every
from harness.events import IdleLogout, Recorder

pytestmark = pytest.mark.drivers("api", "browser")

MESSAGES = 6  # five idle timeouts' worth of time in all


def idle_of(promise: Promise) -> timedelta:
    return promise.require("idle_timeout_seconds")


async def message_just_inside_the_idle_timeout(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    pace: Pace,
    *,
    calls_dropped: bool = False,
) -> tuple[ProfileDriver, TabDriver]:
    """A message every 5/6 of the idle timeout: activity keeps the session, refreshes alone
    would not."""
    user = await profile()
    tab = await user.login()
    if calls_dropped:
        # Regression: the user's calls never reach the server (a proxy drops them).
        user.network.fail_next(promise.profile.path_of("action"), times=MESSAGES)
    await chat_every(tab, clock, idle_of(promise) * 5 / 6, MESSAGES, mode=pace.gaps)
    return user, tab


@pytest.mark.ac("AC5")
async def test_messages_inside_the_idle_timeout_keep_the_session_for_five_timeouts(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user, tab = await message_just_inside_the_idle_timeout(profile, clock, promise, pace)
    checks.no_redirect_to_login(recorder)
    assert await tab.signed_in()
    record = await server_view.session(user)
    checks.server_saw_activity(record, recorder)
    checks.server_deadlines_as_promised(record, promise.policy)
    # The server's deadline follows the calls: a minute short of it, the session still works.
    await clock.advance(idle_of(promise) - timedelta(minutes=1), mode="fast_forward")
    assert (await tab.probe()).status_code < 400
    checks.no_redirect_to_login(recorder)


@pytest.mark.negative
@pytest.mark.ac("AC5")
async def test_activity_that_never_reaches_the_server_is_caught_as_a_redirect(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    await message_just_inside_the_idle_timeout(profile, clock, promise, pace, calls_dropped=True)
    with pytest.raises(CheckFailed, match="redirect"):
        checks.no_redirect_to_login(recorder)


async def click_through_three_idle_timeouts(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise, pace: Pace
) -> tuple[ProfileDriver, TabDriver]:
    """The user reads and clicks, sending nothing but a last message: only the tab's heartbeat
    tells the server the user is there meanwhile."""
    idle = idle_of(promise)
    user = await profile()
    tab = await user.login()
    for _ in range(18):
        await clock.advance(idle / 6, mode=pace.gaps)
        if await tab.signed_in():
            await tab.activity()
    with contextlib.suppress(SignedOut):
        await tab.chat("2+2")
    return user, tab


@pytest.mark.ac("AC5")
@pytest.mark.needs("probe")
async def test_clicks_without_api_calls_keep_the_session_for_three_idle_timeouts(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user, tab = await click_through_three_idle_timeouts(profile, clock, promise, pace)
    checks.no_redirect_to_login(recorder)
    assert await tab.signed_in()
    # The heartbeats reached the server: it saw each one and kept the session.
    record = await server_view.session(user)
    checks.server_saw_activity(record, recorder)
    checks.server_kept_session(record)


@pytest.mark.negative
@pytest.mark.ac("AC5")
@pytest.mark.refapp(regressions={"no_proactive_refresh"})
@pytest.mark.drivers(
    "api",
    browser="the frontend's heartbeat runs in its idle monitor, which no_proactive_refresh "
    "leaves running: removing the refresh timer removes no heartbeat there",
)
async def test_clicks_with_no_heartbeat_are_caught_as_an_idle_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    # Without the tab's timer nothing tells the server about the clicks: it ends the session.
    await click_through_three_idle_timeouts(profile, clock, promise, pace)
    with pytest.raises(CheckFailed, match="session_idle"):
        checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC5", "AC6")
@pytest.mark.needs("probe")
async def test_clicks_in_one_tab_keep_every_tab_of_the_profile_signed_in(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    idle = idle_of(promise)
    user = await profile()
    busy, quiet = await user.login(), await user.open_tab()
    for _ in range(6):  # twelve fifths of the idle timeout in all
        await busy.activity()
        await clock.advance(idle * 2 / 5, mode=pace.gaps)
    assert [await busy.signed_in(), await quiet.signed_in()] == [True, True]
    assert await quiet.chat("1+2")  # the server kept the session alive too
    assert recorder.count(IdleLogout) == 0
    checks.no_redirect_to_login(recorder)
    checks.no_interruption(recorder)
