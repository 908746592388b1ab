"""AC7: before an idle sign-out the user sees a warning, and "Stay signed in" keeps them in.

A warning on screen is live: its countdown runs, its dismissal reaches every tab, and at
the absolute end it says the session is ending, not that the user is idle.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    NotApplicable,
    Pace,
    ProfileDriver,
    ProfileFactory,
    Promise,
    ServerView,
    TabDriver,
    VirtualClock,
    checks,
)
from harness.behaviour import chat_every, work_through
from harness.events import Recorder, RedirectToLogin, RequestSent, WarningShown

pytestmark = pytest.mark.drivers("api", "browser")


def timings(user: ProfileDriver, promise: Promise) -> tuple[timedelta, timedelta]:
    """The idle timeout and how long before it the client warns."""
    idle, lead = promise.idle_timeout, user.policy.warning_lead_seconds
    if idle is None or not lead:
        raise NotApplicable("needs an idle timeout and a client that warns before it")
    return idle, timedelta(seconds=lead)


async def work_then_idle(
    user: ProfileDriver,
    clock: VirtualClock,
    promise: Promise,
    pace: Pace,
    quiet: timedelta,
    *,
    calls_dropped: bool = False,
) -> TabDriver:
    """Six actions, then `quiet` without any; its last two minutes run every timer in order."""
    tab = await user.login()
    if calls_dropped:  # regression: activity never arrives
        user.network.fail_next(promise.profile.path_of("action"), times=6)
    idle, _ = timings(user, promise)
    await chat_every(tab, clock, idle / 12, 6, mode=pace.gaps)
    in_order = min(quiet, timedelta(minutes=2))
    await clock.advance(quiet - in_order, mode=pace.gaps)
    await clock.advance(in_order)
    return tab


@pytest.mark.ac("AC7")
async def test_idle_warning_comes_its_lead_time_before_the_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    idle, lead = timings(user, promise)
    await work_then_idle(user, clock, promise, pace, idle - lead - timedelta(minutes=1))
    last_call = max(e.at for e in recorder.of_kind(RequestSent) if e.purpose == "action")
    # run_for across the warning and the end
    await clock.advance(lead + timedelta(minutes=1) + pace.precision)
    checks.warning_shown_before(recorder, "idle")
    [warning] = recorder.of_kind(WarningShown)
    assert abs(warning.at - (last_call + idle - lead)) <= pace.precision
    assert abs(warning.seconds_left - lead.total_seconds()) <= pace.precision.total_seconds()
    checks.redirected_to_login(recorder, reason=promise.reason("session_idle"))


@pytest.mark.ac("AC5", "AC7")
@pytest.mark.needs("probe")
async def test_stay_signed_in_on_the_warning_keeps_the_session_on_both_sides(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user = await profile()
    idle, lead = timings(user, promise)
    tab = await work_then_idle(user, clock, promise, pace, idle - lead + pace.precision)
    warning = await tab.warning()
    assert warning is not None and warning.kind == "idle"
    await tab.stay_signed_in()
    assert await tab.warning() is None
    checks.server_saw_activity(await server_view.session(user), recorder)  # the click's call
    # The server extended its deadline too: a minute short of a full timeout, still in.
    await clock.advance(idle - timedelta(minutes=1), mode="fast_forward")
    assert (await tab.probe()).status_code < 400
    assert await tab.signed_in()
    checks.no_redirect_to_login(recorder)


@pytest.mark.negative
@pytest.mark.ac("AC7")
async def test_server_deadline_ahead_of_the_client_is_caught_as_a_redirect_without_warning(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    idle, _ = timings(user, promise)
    await work_then_idle(user, clock, promise, pace, idle, calls_dropped=True)
    assert recorder.count(RedirectToLogin) == 1
    with pytest.raises(CheckFailed, match="no 'idle' warning"):
        checks.warning_shown_before(recorder, "idle")


async def countdown_over(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise, pace: Pace, steps: int = 3
) -> None:
    """Reads the idle warning's seconds as it appears and after each of `steps` clock steps:
    each reading is lower than the last by the step, to the driver's precision."""
    user = await profile()
    idle, lead = timings(user, promise)
    tab = await work_then_idle(user, clock, promise, pace, idle - lead + pace.precision)
    step = max(lead / (steps + 1), 2 * pace.precision)
    slack = pace.precision.total_seconds() + 1  # the countdown shows whole seconds
    last = await tab.warning()
    for _ in range(steps):
        if last is None:
            raise CheckFailed("the warning went away before its end")
        await clock.advance(step)
        now = await tab.warning()
        fell = last.seconds_left - (now.seconds_left if now else 0.0)
        if now is not None and abs(fell - step.total_seconds()) > slack:
            raise CheckFailed(f"over {step.total_seconds():.0f}s the countdown fell by {fell:.0f}s")
        last = now


@pytest.mark.ac("AC7")
async def test_countdown_on_the_idle_warning_falls_with_the_clock(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise, pace: Pace
) -> None:
    await countdown_over(profile, clock, promise, pace)


@pytest.mark.negative
@pytest.mark.ac("AC7")
@pytest.mark.refapp(regressions={"frozen_countdown"})
@pytest.mark.drivers("browser", api="frozen_countdown is in the frontend's drawing only")
async def test_countdown_drawn_once_is_caught_as_not_falling(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise, pace: Pace
) -> None:
    with pytest.raises(CheckFailed, match="the countdown fell by 0s"):
        await countdown_over(profile, clock, promise, pace)


@pytest.mark.ac("AC7")
async def test_stay_signed_in_in_one_tab_dismisses_the_warning_in_every_tab(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    idle, lead = timings(user, promise)
    tab = await user.login()
    other = await user.open_tab()
    await chat_every(tab, clock, idle / 12, 6, mode=pace.gaps)
    await clock.advance(idle - lead - timedelta(minutes=2), mode=pace.gaps)
    await clock.advance(timedelta(minutes=2) + pace.precision)
    assert await tab.warning() is not None and await other.warning() is not None
    await tab.stay_signed_in()
    await clock.advance(pace.precision)  # the other tab hears of it in the clock's slice
    assert await tab.warning() is None
    assert await other.warning() is None, "the warning stayed on in the other tab"
    await clock.advance(idle - timedelta(minutes=1), mode="fast_forward")
    assert await tab.signed_in() and await other.signed_in()
    checks.no_redirect_to_login(recorder)


async def warning_before_the_absolute_end(
    profile: ProfileFactory, clock: VirtualClock, pace: Pace
) -> None:
    """Active until a few minutes before a two-hour session ends: the warning, half its lead
    time before the end, is of the absolute kind (nothing idle can be due)."""
    user = await profile()
    tab = await user.login()
    lead = timedelta(seconds=user.policy.warning_lead_seconds)
    if not lead:
        raise NotApplicable("needs a client that warns before the absolute end")
    span = timedelta(hours=2) - lead - timedelta(minutes=3)
    await work_through(tab, clock, pace, span=span, watch=(span, span), message="1+1")
    await clock.advance(timedelta(minutes=3) + lead / 2)
    warning = await tab.warning()
    if warning is None:
        raise CheckFailed("no warning inside the absolute lead time")
    if warning.kind != "absolute":
        raise CheckFailed(f"at the absolute end the warning says {warning.kind!r}")


@pytest.mark.ac("AC7")
@pytest.mark.refapp(session_max_seconds=7200)
async def test_warning_at_the_absolute_lifetime_says_the_session_is_ending(
    profile: ProfileFactory, clock: VirtualClock, pace: Pace
) -> None:
    await warning_before_the_absolute_end(profile, clock, pace)


@pytest.mark.negative
@pytest.mark.ac("AC7")
@pytest.mark.refapp(session_max_seconds=7200, regressions={"absolute_warning_says_idle"})
@pytest.mark.drivers("browser", api="absolute_warning_says_idle is in the frontend's text only")
async def test_absolute_warning_with_the_idle_text_is_caught(
    profile: ProfileFactory, clock: VirtualClock, pace: Pace
) -> None:
    with pytest.raises(CheckFailed, match="the warning says 'idle'"):
        await warning_before_the_absolute_end(profile, clock, pace)
