"""How a session's refresh token ends: it slides with use (or is fixed, as promised), and the
refresh endpoint itself enforces the absolute lifetime and the idle timeout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    NotApplicable,
    Profile,
    ProfileFactory,
    Promise,
    ServerView,
    SignedOut,
    VirtualClock,
    checks,
)
from harness.client.wire import reply_of
from harness.events import LoggedIn, Recorder
from harness.target.contract import reason_of


def activity_step(promise: Promise) -> timedelta:
    """An action often enough that neither the access token nor the idle timeout runs out."""
    step = promise.access_ttl / 2
    idle = promise.idle_timeout
    return min(step, idle / 2) if idle else step


async def active_for(user: Profile, clock: VirtualClock, span: timedelta, step: timedelta) -> None:
    """A message every `step` for `span` (timers fire once between messages); stops when the
    user is sent to the login page."""
    tab = await user.login()
    for _ in range(round(span / step)):
        await clock.advance(step, mode="fast_forward")
        try:
            await tab.chat("1+1")
        except SignedOut:
            return


async def refused(user: Profile, token: str | None, why: str) -> str:
    """The refresh endpoint refuses `token`, whoever presents it (the client or a thief),
    saying why in words; returns the reason, in the harness's vocabulary."""
    assert token is not None
    response = await user.present_refresh_token(token)
    assert 400 <= response.status_code < 500, (
        f"the refresh endpoint renewed a session {why} ({response.status_code})"
    )
    reply = reply_of(response)
    checks.refusal_explained(user.target.profile, reply)
    return reason_of(user.target.profile, reply, "refresh")


@pytest.mark.ac("AC1", "AC5")
@pytest.mark.scenario("Active past the refresh token's lifetime")
async def test_user_active_past_the_refresh_ttl_is_kept_or_let_go_as_the_expiry_promises(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    expiry, ttl = promise.policy.refresh_expiry, promise.refresh_ttl
    if expiry is None:
        raise NotApplicable("needs [policy] refresh_expiry (sliding or fixed)")
    span = ttl + ttl / 4
    if promise.absolute is not None and promise.absolute <= span:
        raise NotApplicable("needs an absolute lifetime longer than the refresh TTL")
    user = await profile()
    await active_for(user, clock, span, activity_step(promise))
    record = await server_view.session(user)
    checks.server_deadlines_as_promised(record, promise.policy)
    if expiry == "sliding":
        checks.no_redirect_to_login(recorder)
        checks.server_kept_session(record)
        return
    redirect = checks.redirected_to_login(recorder, reason=promise.reason("refresh_expired"))
    [login] = recorder.of_kind(LoggedIn)
    assert ttl <= redirect.at - login.at <= ttl + activity_step(promise)


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Absolute lifetime reached while active")
@pytest.mark.refapp(session_max_seconds=7200)
async def test_refresh_token_rotated_just_before_the_absolute_end_is_refused_at_it(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    absolute = promise.require("absolute_seconds")
    user = await profile()
    await active_for(user, clock, absolute - timedelta(minutes=5), timedelta(minutes=5))
    latest = await user.current_refresh_token()
    [login] = recorder.of_kind(LoggedIn)
    await clock.move_to(login.at + absolute, mode="fast_forward")  # the very end
    await refused(user, latest, "at its absolute end")
    record = await server_view.session(user)
    checks.server_revoked(record, "session_expired")
    checks.server_logged(record, "login", "session_expired")


@pytest.mark.ac("AC6")
async def test_refresh_token_presented_at_the_idle_deadline_is_refused(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    idle = promise.require("idle_timeout_seconds")
    user = await profile()
    tab = await user.login()
    assert await tab.chat("1+1")
    await clock.advance(idle, mode="fast_forward")  # the very deadline
    token = await user.current_refresh_token()
    # The second presentation stands for another tab or device: it is told the same reason.
    reasons = [await refused(user, token, "at its idle deadline") for _ in range(2)]
    expected = promise.reason("session_idle")
    assert expected is None or reasons == [expected] * 2, f"refused as {reasons}"
    record = await server_view.session(user)
    checks.server_revoked(record, "session_idle")
    checks.server_logged(record, "login", "idle_timeout")


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
@pytest.mark.needs("session_view")
@pytest.mark.refapp(idle_timeout_seconds=0)  # so the refresh token's own expiry ends it
async def test_refresh_token_is_refused_from_the_instant_it_expires(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise, server_view: ServerView
) -> None:
    """The refresh expiry the server keeps is the one it enforces, to the instant: a token
    presented exactly then is refused as expired (as `exp` is, RFC 7519 §4.1.4)."""
    user = await profile()
    await user.login()
    record = await server_view.session(user)
    assert record is not None and record.refresh_expires_at is not None
    if record.refresh_expires_at == record.session_expires_at:
        raise NotApplicable("needs a refresh TTL shorter than the absolute lifetime")
    await clock.move_to(record.refresh_expires_at, mode="fast_forward")
    reason = await refused(user, await user.current_refresh_token(), "at its refresh expiry")
    expected = promise.reason("refresh_expired")
    assert expected is None or reason == expected, f"refused as {reason}, expected {expected}"
