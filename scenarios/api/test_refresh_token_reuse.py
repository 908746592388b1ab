"""Reuse of an old refresh token: the family is revoked, so thief and user are both out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    NotApplicable,
    Pace,
    ProfileFactory,
    Promise,
    ServerView,
    SignedOut,
    VirtualClock,
    checks,
)
from harness.client.wire import reply_of
from harness.events import Recorder


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Reuse of an old refresh token revokes the family")
@pytest.mark.drivers("api", "browser")
@pytest.mark.parametrize(
    "rotations_since",
    [
        pytest.param(1, id="one-rotation-old"),  # the parent, past its grace window
        pytest.param(2, id="two-old"),  # the oldest an app may compare with a stored hash
        pytest.param(3, id="three-old"),
    ],
)
async def test_stolen_old_refresh_token_is_refused_and_the_user_is_signed_out_next(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
    rotations_since: int,
) -> None:
    if not (promise.policy.rotation and promise.policy.reuse_detection):
        raise NotApplicable("needs rotation with reuse detection in the profile's [policy]")
    user = await profile()
    tab = await user.login()
    stolen = await user.current_refresh_token()
    assert stolen is not None
    # The user works on, each lifetime rotating the token; the stolen one is old once the
    # last rotation's grace is over.
    for _ in range(rotations_since):
        await clock.advance(promise.access_ttl, mode=pace.gaps)
        assert await tab.chat("1+1")
    grace = timedelta(seconds=promise.policy.grace_seconds or 0)
    await clock.advance(grace + timedelta(seconds=1), mode=pace.gaps)
    assert await user.current_refresh_token() != stolen
    thief = await profile(name="thief")
    response = await thief.present_refresh_token(stolen)
    assert 400 <= response.status_code < 500
    checks.refusal_explained(promise.profile, reply_of(response))
    checks.no_redirect_to_login(recorder, profile=user.name)  # not yet: the user sent nothing
    record = await server_view.session(user)
    checks.server_revoked(record, "refresh_reused")
    checks.server_logged(record, "login", "rotation", "reuse_detected")
    # Which token was replayed, and how far the family had moved on since.
    checks.server_logged_with(record, "reuse_detected", generation=0, current=rotations_since)
    with pytest.raises(SignedOut):
        await tab.chat("2+2")
    reason = promise.reason("session_revoked")
    redirect = checks.redirected_to_login(recorder, reason=reason, profile=user.name)
    checks.says(user.policy, redirect.reason, redirect.message)
    # The family is gone for everyone: the user's current token is refused too.
    current = await user.current_refresh_token()
    if current is not None:
        again = await thief.present_refresh_token(current)
        assert 400 <= again.status_code < 500
