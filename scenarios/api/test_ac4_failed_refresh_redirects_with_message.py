"""AC4: a refresh that cannot succeed sends the user to login, with a message saying why."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from harness import checks
from harness.checks import CheckFailed
from harness.client import ConnectionProblem, SignedOut, Tab
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.fixtures import ProfileFactory

EXPIRED = "Your session has expired. Please sign in again."
# The refresh token's 7-day TTL, and a minute more. The idle timeout is switched off so that
# the refresh token's own expiry, not inactivity, is what ends the session.
PAST_REFRESH_TTL = timedelta(days=7, minutes=1)


async def return_after_refresh_token_expired(profile: ProfileFactory, clock: VirtualClock) -> Tab:
    tab = await (await profile("alice")).login()
    await clock.advance(PAST_REFRESH_TTL, mode="fast_forward")
    # What the user saw instead of a reply is for each test to assert.
    with contextlib.suppress(SignedOut, ConnectionProblem):
        await tab.chat("2+2")
    return tab


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
@pytest.mark.refapp(idle_timeout_seconds=0)
async def test_expired_refresh_token_redirects_to_login_with_the_expiry_message(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await return_after_refresh_token_expired(profile, clock)
    redirect = checks.redirected_to_login(recorder, reason="refresh_expired")
    assert redirect.message == EXPIRED
    assert not tab.signed_in and tab.login_message == EXPIRED
    with pytest.raises(SignedOut, match="expired"):
        await tab.chat("still there?")


@pytest.mark.ac("AC4")
@pytest.mark.refapp(idle_timeout_seconds=0, regressions={"naive_datetimes"})
async def test_naive_datetime_crash_on_expired_refresh_token_is_caught_as_no_redirect(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # The story's bug: the expiry comparison crashes (500), so the client only sees errors.
    await return_after_refresh_token_expired(profile, clock)
    with pytest.raises(CheckFailed, match="saw none"):
        checks.redirected_to_login(recorder, reason="refresh_expired")
