"""Long runs: a week of continuous use, or of coming back every hour, never meets the login page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import NotApplicable, ProfileFactory, Promise, ServerView, VirtualClock, checks
from harness.events import Recorder, RefreshSucceeded, Rotation

WEEK = timedelta(days=7)


def week_is_possible(promise: Promise) -> None:
    """An active user can stay a week only if no absolute or fixed limit ends it sooner."""
    absolute = promise.absolute
    if absolute is not None and absolute <= WEEK:
        raise NotApplicable("needs a session that may last a week (absolute lifetime is shorter)")
    if promise.policy.refresh_expiry == "fixed" and promise.refresh_ttl <= WEEK:
        raise NotApplicable("needs a sliding refresh expiry or a refresh TTL past a week")


@pytest.mark.slow
@pytest.mark.ac("AC1", "AC2", "AC5")
@pytest.mark.scenario("A week of continuous activity")
@pytest.mark.needs("probe")
@pytest.mark.drivers(
    "api",
    browser="a week of every timer in order costs about 17 minutes in Chromium (~6 s per "
    "virtual hour); the week of returns below runs there",
)
async def test_request_every_minute_for_seven_days_never_redirects(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    week_is_possible(promise)
    user = await profile()
    tab = await user.login()
    minutes = int(WEEK / timedelta(minutes=1))
    statuses: set[int] = set()
    for _ in range(minutes):
        await clock.advance(60)  # run_for: the tab's refresh timer fires on the way
        statuses.add((await tab.probe()).status_code)
    assert statuses == {200}
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    checks.refreshed_before_expiry(recorder)
    ttl = promise.access_ttl.total_seconds()
    period = timedelta(seconds=ttl - user.policy.threshold_for(ttl))
    assert recorder.count(RefreshSucceeded) >= WEEK / period - 1  # past the refresh TTL too
    if promise.policy.rotation:
        assert recorder.count(Rotation) == recorder.count(RefreshSucceeded)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder)
    checks.server_saw_activity(record, recorder)
    checks.server_kept_session(record)
    checks.server_deadlines_as_promised(record, promise.policy)


@pytest.mark.ac("AC1", "AC3", "AC5")
@pytest.mark.scenario("A week of visits, the laptop asleep in between")
@pytest.mark.needs("probe")
@pytest.mark.drivers("api", "browser")
async def test_coming_back_just_inside_the_idle_timeout_for_seven_days_never_redirects(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    """The week compressed: the laptop sleeps between visits, each one just inside the idle
    timeout (and past the access token's life), so every visit wakes to an expired token."""
    week_is_possible(promise)
    idle = promise.idle_timeout or promise.access_ttl * 2
    every = idle - timedelta(minutes=5)
    if every <= promise.access_ttl:
        raise NotApplicable("needs an idle timeout over five minutes past the access TTL")
    tab = await (await profile()).login()
    statuses: set[int] = set()
    for _ in range(int(WEEK / every)):
        await clock.advance(every, mode="fast_forward")
        statuses.add((await tab.probe()).status_code)
    assert statuses == {200}
    checks.no_redirect_to_login(recorder)
    checks.no_interruption(recorder)
    assert recorder.count(RefreshSucceeded) >= int(WEEK / every)  # a token per visit
    if promise.policy.rotation:
        assert recorder.count(Rotation) == recorder.count(RefreshSucceeded)
