"""Token lifetimes: one access TTL on every issuing path, and how each lifetime ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    Pace,
    Profile,
    ProfileFactory,
    Promise,
    SignedOut,
    VirtualClock,
    checks,
)
from harness._realtime import wall_now
from harness.behaviour import work_through
from harness.client.wire import reply_of
from harness.events import LoggedIn, Recorder, RedirectToLogin


def has_grace(user: Profile, promise: Promise) -> bool:
    """A lost refresh response can be retried: the app re-issues inside a grace window."""
    grace = promise.policy.grace_seconds
    return not promise.policy.rotation or (grace or 0) > user.policy.retry_delays[0]


async def tokens_from_every_path(user: Profile, clock: VirtualClock, promise: Promise) -> list[str]:
    """Access tokens from a login, a refresh, and, where the app can re-issue, a refresh whose
    response was lost (its retry gets the grace-window re-issue)."""
    tab = await user.login()
    tokens = []
    ttl = promise.access_ttl.total_seconds()
    period = timedelta(seconds=ttl - user.policy.threshold_for(ttl) + user.policy.tick_seconds)
    steps = ["login", "refresh", "lost response"][: 3 if has_grace(user, promise) else 2]
    for step in steps:
        if step == "lost response":
            user.network.lose_next_response(user.target.profile.path_of("refresh"))
        if step != "login":
            await clock.advance(period)
        assert tab.token is not None, step
        tokens.append(tab.token.value)
    return tokens


@pytest.mark.ac("AC2")
@pytest.mark.scenario("Token TTL identical on every issuing path")
async def test_login_refresh_and_retried_refresh_give_the_promised_access_ttl(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    tokens = await tokens_from_every_path(await profile(), clock, promise)
    assert len(set(tokens)) == len(tokens) >= 2
    checks.access_ttl_everywhere(recorder, promise.access_ttl.total_seconds())


@pytest.mark.negative
@pytest.mark.ac("AC2")
@pytest.mark.refapp(regressions={"legacy_access_ttl"})
async def test_second_login_path_with_a_seven_day_ttl_is_caught(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    # The story's Issue #1: AuthService still issued 7-day tokens next to TokenService's 30 min.
    await tokens_from_every_path(await profile(), clock, promise)
    [login] = recorder.of_kind(LoggedIn)
    assert login.access_expires_at is not None
    assert login.access_expires_at - login.at == timedelta(days=7)
    with pytest.raises(CheckFailed, match="logged_in"):
        checks.access_ttl_everywhere(recorder, promise.access_ttl.total_seconds())


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Seven days of inactivity")
@pytest.mark.drivers("api", "browser")
@pytest.mark.parametrize(
    "ends_with",
    [
        pytest.param(None, id="as-promised"),
        pytest.param(
            "refresh_expired", marks=pytest.mark.refapp(idle_timeout_seconds=0), id="idle-off"
        ),
    ],
)
async def test_laptop_closed_for_seven_days_wakes_up_on_login_with_a_message(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    ends_with: str | None,
) -> None:
    user = await profile()
    tab = await user.login()
    asleep = max(timedelta(days=7), promise.refresh_ttl + timedelta(minutes=1))
    await clock.advance(asleep, mode="fast_forward")
    with pytest.raises(SignedOut):
        await tab.chat("hello?")
    idle = promise.idle_timeout
    expected = ends_with or ("session_idle" if idle and idle < promise.refresh_ttl else None)
    redirect = checks.redirected_to_login(recorder, reason=expected and promise.reason(expected))
    checks.says(user.policy, redirect.reason, redirect.message)


@pytest.mark.ac("AC4", "AC7")
@pytest.mark.scenario("Absolute lifetime reached while active")
@pytest.mark.refapp(session_max_seconds=7200)
@pytest.mark.drivers("api", "browser")
async def test_active_user_reaching_the_absolute_lifetime_is_warned_then_redirected(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    tab = await user.login()
    # At the driver's pace, then a minute at a time, every timer in order, from just before
    # the warning (two minutes ahead of the end) on.
    lead = timedelta(seconds=user.policy.warning_lead_seconds)
    watch = (timedelta(hours=2) - lead - timedelta(minutes=3), timedelta(hours=3))
    with pytest.raises(SignedOut):
        await work_through(tab, clock, pace, span=timedelta(hours=3), watch=watch, message="1+1")
    checks.warning_shown_before(recorder, "absolute")
    redirect = checks.redirected_to_login(recorder, reason="session_expired")
    checks.says(user.policy, "session_expired", redirect.message)
    [login] = recorder.of_kind(LoggedIn)
    # At the end, read to the driver's precision (a page's timers run in the clock's slices).
    end = login.at + timedelta(hours=2)
    assert end - pace.precision <= redirect.at <= end + timedelta(minutes=1)
    assert recorder.count(RedirectToLogin) == 1


@pytest.mark.ac("AC2")
@pytest.mark.needs("probe")
async def test_access_token_works_until_the_second_it_expires_and_not_from_then_on(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    """The expiry the app announces is the one it enforces, to the second (RFC 7519 `exp`)."""
    user = await profile()
    await user.login()
    token = user.token
    assert token is not None and token.access_expires_at is not None
    await clock.move_to(token.access_expires_at - timedelta(seconds=1), mode="fast_forward")
    assert (await user.present_access_token(token.value)).status_code < 400
    await clock.move_to(token.access_expires_at, mode="fast_forward")
    expired = await user.present_access_token(token.value)
    assert expired.status_code in promise.profile.access.rejected_status
    checks.refusal_explained(promise.profile, reply_of(expired))


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Server clock ahead of the machine's")
@pytest.mark.served  # in the test process the machine's clock is the harness's too
async def test_session_dated_a_year_ahead_of_the_machine_clock_keeps_working(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    """The app judges its tokens by the clock it issues them with. With that clock a year
    ahead of the machine's (a test clock; a process whose clock runs ahead of its peers'), a
    fresh token is not "issued in the future" to a library reading the machine's clock."""
    await clock.move_to(wall_now() + timedelta(days=365), mode="fast_forward")
    user = await profile()
    tab = await user.login()
    assert await tab.chat("6*7")
    checks.no_unauthorized(recorder)
    checks.no_redirect_to_login(recorder)
