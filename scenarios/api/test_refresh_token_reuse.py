"""Reuse of an old refresh token: the family is revoked, so thief and user are both out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import NotApplicable, Pace, ProfileFactory, Promise, SignedOut, VirtualClock, checks
from harness.events import Recorder


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Reuse of an old refresh token revokes the family")
@pytest.mark.drivers("api", "browser")
async def test_stolen_old_refresh_token_is_refused_and_the_user_is_signed_out_next(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    if not (promise.policy.rotation and promise.policy.reuse_detection):
        raise NotApplicable("needs rotation with reuse detection in the profile's [policy]")
    user = await profile()
    tab = await user.login()
    stolen = await user.current_refresh_token()
    assert stolen is not None
    # The user's tab rotates; the stolen one is old, once that rotation's grace is over.
    await clock.advance(promise.access_ttl, mode=pace.gaps)
    grace = timedelta(seconds=promise.policy.grace_seconds or 0)
    await clock.advance(grace + timedelta(seconds=1), mode=pace.gaps)
    assert await user.current_refresh_token() != stolen
    thief = await profile(name="thief")
    response = await thief.present_refresh_token(stolen)
    assert 400 <= response.status_code < 500
    checks.no_redirect_to_login(recorder, profile=user.name)  # not yet: the user sent nothing
    with pytest.raises(SignedOut):
        await tab.chat("2+2")
    reason = promise.reason("session_revoked")
    redirect = checks.redirected_to_login(recorder, reason=reason, profile=user.name)
    assert redirect.message == user.policy.message_for(redirect.reason)
    # The family is gone for everyone: the user's current token is refused too.
    current = await user.current_refresh_token()
    if current is not None:
        again = await thief.present_refresh_token(current)
        assert 400 <= again.status_code < 500
