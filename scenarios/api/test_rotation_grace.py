"""What the grace window hands back: the token the server rotated to, the same for every retry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    ProfileFactory,
    Promise,
    ServerView,
    VirtualClock,
    checks,
)
from harness.behaviour import retryable_grace
from harness.events import Recorder


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Refresh response lost after the server rotated")
async def test_token_retried_inside_the_grace_window_keeps_refreshing_for_three_lifetimes(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    user = await profile()
    retryable_grace(user, promise)
    tab = await user.login()
    user.network.lose_next_response(user.target.profile.path_of("refresh"))
    # The retry's answer is the token every later refresh presents: it must be the real one.
    step = min(timedelta(minutes=1), promise.access_ttl / 10)
    for _ in range(round(3 * promise.access_ttl / step)):
        await clock.advance(step)
        assert await tab.chat("2*2")
    checks.no_redirect_to_login(recorder)
    checks.refreshed_before_expiry(recorder)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder, profile=user.name)
    checks.server_kept_session(record)


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Refresh response lost after the server rotated")
async def test_parent_presented_twice_inside_the_grace_window_gets_the_same_new_token(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    user = await profile()
    retryable_grace(user, promise)
    tab = await user.login()
    parent = await user.current_refresh_token()
    assert parent is not None
    answers = [await user.present_refresh_token(parent) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    first, second = (user.refresh_token_in(a) for a in answers)
    assert first is not None and first != parent
    assert second == first, "the grace window handed back a token the server never stored"
    # The user's tab goes on with that token through the next expiry.
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    assert await tab.chat("3*3")
    checks.no_redirect_to_login(recorder)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record)
    checks.server_logged(record, "login", "rotation", "refresh")  # then the grace re-issue
    checks.server_logged_with(record, "refresh", grace=True)
