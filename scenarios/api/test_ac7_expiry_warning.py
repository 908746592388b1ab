"""AC7: before an idle sign-out the user sees a warning, and "Stay signed in" keeps them in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    NotApplicable,
    Profile,
    ProfileFactory,
    Promise,
    Tab,
    VirtualClock,
    checks,
)
from harness.behaviour import chat_every
from harness.events import Recorder, RedirectToLogin, WarningShown


def timings(user: Profile, promise: Promise) -> tuple[timedelta, timedelta]:
    """The idle timeout and how long before it the client warns."""
    idle, lead = promise.idle_timeout, user.policy.warning_lead_seconds
    if idle is None or not lead:
        raise NotApplicable("needs an idle timeout and a client that warns before it")
    return idle, timedelta(seconds=lead)


async def work_then_idle(
    user: Profile, clock: VirtualClock, idle: timedelta, *, calls_dropped: bool = False
) -> Tab:
    tab = await user.login()
    if calls_dropped:  # regression: activity never arrives
        user.network.fail_next(user.target.profile.path_of("action"), times=6)
    await chat_every(tab, clock, idle / 12, 6)
    await clock.advance(idle)
    return tab


@pytest.mark.ac("AC7")
async def test_idle_warning_comes_its_lead_time_before_the_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    user = await profile()
    idle, lead = timings(user, promise)
    last_call = clock.now() + idle / 2
    await work_then_idle(user, clock, idle)
    checks.warning_shown_before(recorder, "idle")
    [warning] = recorder.of_kind(WarningShown)
    assert warning.at == last_call + idle - lead
    assert warning.seconds_left == lead.total_seconds()
    checks.redirected_to_login(recorder, reason=promise.reason("session_idle"))


@pytest.mark.ac("AC5", "AC7")
@pytest.mark.needs("probe")
async def test_stay_signed_in_on_the_warning_keeps_the_session_on_both_sides(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    user = await profile()
    idle, lead = timings(user, promise)
    tab = await work_then_idle(user, clock, idle - lead)
    warning = await tab.warning()
    assert warning is not None and warning.kind == "idle"
    await tab.stay_signed_in()
    assert await tab.warning() is None
    # The server extended its deadline too: a minute short of a full timeout, still in.
    await clock.advance(idle - timedelta(minutes=1), mode="fast_forward")
    assert (await tab.probe()).status_code < 400
    assert await tab.signed_in()
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC7")
async def test_server_deadline_ahead_of_the_client_is_caught_as_a_redirect_without_warning(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    user = await profile()
    idle, _ = timings(user, promise)
    await work_then_idle(user, clock, idle, calls_dropped=True)
    assert recorder.count(RedirectToLogin) == 1
    with pytest.raises(CheckFailed, match="no 'idle' warning"):
        checks.warning_shown_before(recorder, "idle")
