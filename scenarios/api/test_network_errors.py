"""Network trouble around refresh: retry with backoff, a banner instead of a logout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    ClientOptions,
    NotApplicable,
    Pace,
    ProfileDriver,
    ProfileFactory,
    Promise,
    ServerView,
    SignedOut,
    VirtualClock,
    checks,
)
from harness.behaviour import retryable_grace, work_past_expiries
from harness.events import (
    BannerShown,
    LoggedIn,
    Recorder,
    RefreshFailed,
    RefreshRetry,
    RefreshStarted,
)

pytestmark = pytest.mark.drivers("api", "browser")


def refresh_due(user: ProfileDriver, promise: Promise) -> timedelta:
    """When the tab will refresh: the threshold before the access token's expiry."""
    ttl = promise.access_ttl.total_seconds()
    return timedelta(seconds=ttl - user.policy.threshold_for(ttl))


@pytest.mark.ac("AC1", "AC4")
@pytest.mark.scenario("Network error during refresh")
async def test_offline_during_refresh_retries_shows_a_banner_and_keeps_the_session(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    tab = await user.login()
    await clock.advance(refresh_due(user, promise) - timedelta(seconds=1), mode=pace.gaps)
    user.network.offline = True
    # The tab's timer starts the refresh on its next tick; a second at a time until it and
    # every retry have failed.
    tick = timedelta(seconds=user.policy.tick_seconds)
    backoff = timedelta(seconds=sum(user.policy.retry_delays))
    for _ in range(int((2 * tick + backoff).total_seconds())):
        if recorder.count(RefreshFailed):
            break
        await clock.advance(1)
    checks.no_redirect_to_login(recorder)
    retries = recorder.of_kind(RefreshRetry)
    if not retries and not recorder.count(RefreshStarted):
        raise NotApplicable(
            "needs a client that refreshes on its own timer: none was tried while the page "
            "sat offline (a refresh lost while the user acts: the next scenario)"
        )
    if user.policy.known:  # the retries the client says it makes, then a graceful error
        # To the step the clock moved in: a page's timer may fire on either side of it.
        step = 0 if pace.precision == timedelta(0) else 1
        delays = tuple(r.delay_s for r in retries)
        assert delays == pytest.approx(user.policy.retry_delays, abs=step), delays
    assert await tab.signed_in()
    checks.banner_says_connection_problem(user.policy, await tab.banner())
    assert recorder.count(BannerShown) >= 1
    user.network.offline = False
    assert await tab.chat("2+2")  # the old token is still valid, then refreshes
    await clock.advance(tick)
    assert await tab.banner() is None
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)


@pytest.mark.ac("AC1", "AC4")
@pytest.mark.scenario("Network error during refresh")
async def test_refresh_lost_on_the_network_is_tried_again_and_the_user_stays_signed_in(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    """The first refresh past expiry never reaches the app (a dropped connection); the user
    works on: the client tries again, and nobody is sent to the login page."""
    user = await profile()
    tab = await user.login()
    user.network.fail_next(promise.profile.path_of("refresh"))
    await work_past_expiries(tab, clock, promise, pace)  # the first refresh lost
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)
    assert await tab.signed_in()
    assert recorder.count(RefreshStarted) >= 1


async def lose_the_refresh_response(
    user: ProfileDriver, clock: VirtualClock, promise: Promise, pace: Pace
) -> None:
    """The server rotates on the timer's refresh; its answer never reaches the client."""
    user.network.lose_next_response(promise.profile.path_of("refresh"))
    await clock.advance(refresh_due(user, promise) - timedelta(minutes=1), mode=pace.gaps)
    retry = timedelta(seconds=user.policy.retry_delays[0])
    # run_for: the timer's refresh and its retry in order
    await clock.advance(timedelta(minutes=2) + retry + pace.precision)


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Refresh response lost after the server rotated")
async def test_lost_refresh_response_retried_inside_the_grace_window_keeps_the_session(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user = await profile()
    retryable_grace(user, promise)
    tab = await user.login()
    await lose_the_refresh_response(user, clock, promise, pace)
    assert recorder.count(RefreshStarted) == 1  # its retry got the token the server rotated to
    assert await tab.chat("2+2")
    checks.no_redirect_to_login(recorder)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder)
    checks.server_logged(record, "login", "rotation", "refresh")  # the grace re-issue


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh response lost after the server rotated")
async def test_lost_refresh_response_retried_after_the_grace_window_is_reuse(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    if not promise.policy.reuse_detection:
        raise NotApplicable("needs reuse detection ([policy] reuse_detection = true)")
    probe = await profile(name="probe")
    grace = retryable_grace(probe, promise)
    # A client that waits longer than the grace window presents the parent after it closed.
    wait = grace + timedelta(seconds=5) + pace.precision
    user = await profile(options=ClientOptions(retry_delays=(wait.total_seconds(),)))
    tab = await user.login()
    await lose_the_refresh_response(user, clock, promise, pace)
    redirect = checks.redirected_to_login(recorder, reason=promise.reason("refresh_reused"))
    checks.says(user.policy, redirect.reason, redirect.message)
    assert recorder.count(LoggedIn) == 1
    with pytest.raises(SignedOut):
        await tab.chat("2+2")
