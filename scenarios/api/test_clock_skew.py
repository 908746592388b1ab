"""A client clock ten minutes off the server still refreshes on time (skew from server_time).

In Chromium the profile's page clock runs ten minutes ahead of or behind the server's.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ClientOptions, Pace, ProfileFactory, Promise, VirtualClock, checks
from harness.behaviour import work_through
from harness.events import LoggedIn, Recorder, RefreshStarted


@pytest.mark.ac("AC1", "AC2")
@pytest.mark.scenario("Client clock ten minutes off the server")
@pytest.mark.needs("server_time")
@pytest.mark.drivers("api", "browser")
@pytest.mark.parametrize(
    "skew_seconds", [pytest.param(600, id="ahead"), pytest.param(-600, id="behind")]
)
async def test_skewed_client_refreshes_its_threshold_before_server_expiry(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    skew_seconds: float,
) -> None:
    user = await profile(options=ClientOptions(skew_seconds=skew_seconds))
    tab = await user.login()
    ttl = promise.access_ttl
    early = timedelta(seconds=user.policy.threshold_for(ttl.total_seconds()))
    due = ttl - early
    watch = (due - timedelta(minutes=2), due + timedelta(minutes=2))
    every = min(pace.action_every, ttl / 10)
    await work_through(tab, clock, pace, span=ttl * 7 / 3, watch=watch, every=every, message="5+5")
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    checks.refreshed_before_expiry(recorder)
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    # Server time: the threshold before expiry, within one tick, whatever the client's clock says.
    slack = timedelta(seconds=user.policy.tick_seconds) + pace.precision
    assert due - slack <= first.at - login.at <= due + slack
