"""AC6: the idle timeout fires after exactly the configured time without activity, not before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    Pace,
    ProfileDriver,
    ProfileFactory,
    Promise,
    ServerView,
    VirtualClock,
    checks,
)
from harness.behaviour import chat_every
from harness.events import Recorder, RequestSent

pytestmark = pytest.mark.drivers("api", "browser")


def idle_of(promise: Promise) -> timedelta:
    return promise.require("idle_timeout_seconds")


async def work_then_walk_away(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    pace: Pace,
    *,
    calls_dropped: bool = False,
) -> tuple[ProfileDriver, bool]:
    """Six actions, then nothing: whether the tab was still signed in a second before the
    idle deadline (the last minute before it and the twelfth after run every timer in order)."""
    idle = idle_of(promise)
    user = await profile()
    tab = await user.login()
    if calls_dropped:  # regression: activity never arrives
        user.network.fail_next(promise.profile.path_of("action"), times=6)
    await chat_every(tab, clock, idle / 12, 6, mode=pace.gaps)
    in_order = timedelta(minutes=1)
    await clock.advance(idle - in_order, mode=pace.gaps)
    await clock.advance(in_order - timedelta(seconds=1))
    still_signed_in = await tab.signed_in()
    await clock.advance(idle / 12)
    return user, still_signed_in


@pytest.mark.ac("AC6")
@pytest.mark.parametrize(
    "configured",
    [
        pytest.param(600, marks=pytest.mark.refapp(idle_timeout_seconds=600), id="10min"),
        pytest.param(None, id="as-promised"),
    ],
)
async def test_idle_timeout_signs_out_exactly_the_configured_time_after_the_last_call(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
    pace: Pace,
    configured: int | None,
) -> None:
    idle = idle_of(promise)
    user, signed_in_before = await work_then_walk_away(profile, clock, promise, pace)
    assert signed_in_before
    redirect = checks.redirected_to_login(recorder, reason=promise.reason("session_idle"))
    checks.signed_out_only_after_idle(recorder, idle.total_seconds())
    last_call = max(e.at for e in recorder.of_kind(RequestSent) if e.purpose == "action")
    assert idle <= redirect.at - last_call <= idle + pace.precision
    checks.says(user.policy, "session_idle", redirect.message)
    # The server's idle deadline is the one the client signed out at.
    record = await server_view.session(user)
    checks.server_saw_activity(record, recorder)
    checks.server_deadlines_as_promised(record, promise.policy)


@pytest.mark.negative
@pytest.mark.ac("AC6")
async def test_server_deadline_ahead_of_the_user_is_caught_as_an_early_idle_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    idle = idle_of(promise)
    await work_then_walk_away(profile, clock, promise, pace, calls_dropped=True)
    with pytest.raises(CheckFailed, match=f"less than {idle.total_seconds():g} s"):
        checks.signed_out_only_after_idle(recorder, idle.total_seconds())


@pytest.mark.ac("AC5", "AC6")
async def test_burst_of_messages_seconds_apart_counts_idle_time_from_the_last_one(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    """Five messages ten seconds apart, then nothing: ten seconds before the idle deadline
    of the last one the session still works, on the server too."""
    idle = idle_of(promise)
    user = await profile()
    tab = await user.login()
    await chat_every(tab, clock, 10, 5)
    checks.server_saw_activity(await server_view.session(user), recorder)
    await clock.advance(idle - timedelta(seconds=10), mode="fast_forward")
    assert (await tab.probe()).status_code < 400
    checks.no_redirect_to_login(recorder)
