"""AC4: a refresh that cannot succeed sends the user to login, with a message saying why."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from harness import (
    CheckFailed,
    ClientOptions,
    ConnectionProblem,
    ProfileDriver,
    ProfileFactory,
    Promise,
    SignedOut,
    TabDriver,
    VirtualClock,
    checks,
)
from harness.events import Recorder

pytestmark = pytest.mark.drivers("api", "browser")


async def return_after_refresh_token_expired(
    profile: ProfileFactory, clock: VirtualClock, promise: Promise
) -> tuple[ProfileDriver, TabDriver]:
    # A refresh the user's action starts retries while the user waits (real seconds in
    # Chromium): the backoff is not what these tests check, so it is short.
    user = await profile(options=ClientOptions(retry_delays=(0.1, 0.1)))
    tab = await user.login()
    await clock.advance(promise.refresh_ttl + timedelta(minutes=1), mode="fast_forward")
    # A refresh failing on the way back retries: its backoff runs on the clock.
    await clock.advance(timedelta(seconds=sum(user.policy.retry_delays) + 1))
    # What the user saw instead of a reply is for each test to assert.
    with contextlib.suppress(SignedOut, ConnectionProblem):
        await tab.chat("2+2")
    return user, tab


def first_ending(promise: Promise) -> str:
    """What ends a session left alone past its refresh TTL: inactivity, if that comes first."""
    idle = promise.idle_timeout
    return "session_idle" if idle is not None and idle < promise.refresh_ttl else "refresh_expired"


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
async def test_returning_after_the_refresh_token_expired_redirects_to_login_with_a_message(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    _, tab = await return_after_refresh_token_expired(profile, clock, promise)
    redirect = checks.redirected_to_login(recorder, reason=promise.reason(first_ending(promise)))
    assert not await tab.signed_in()
    assert await tab.login_message() == redirect.message
    with pytest.raises(SignedOut):
        await tab.chat("still there?")


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
@pytest.mark.refapp(idle_timeout_seconds=0)  # so the refresh token's own expiry ends it
async def test_expired_refresh_token_redirects_with_the_expiry_message(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    user, _ = await return_after_refresh_token_expired(profile, clock, promise)
    redirect = checks.redirected_to_login(recorder, reason="refresh_expired")
    checks.says(user.policy, "refresh_expired", redirect.message)
    assert redirect.message == "Your session has expired. Please sign in again."


@pytest.mark.negative
@pytest.mark.ac("AC4")
@pytest.mark.refapp(idle_timeout_seconds=0, regressions={"naive_datetimes"})
async def test_naive_datetime_crash_on_expired_refresh_token_is_caught_as_no_redirect(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    # The story's bug: the expiry comparison crashes (500), so the client only sees errors.
    await return_after_refresh_token_expired(profile, clock, promise)
    with pytest.raises(CheckFailed, match="saw none"):
        checks.redirected_to_login(recorder, reason="refresh_expired")
