"""A client clock ten minutes off the server still refreshes on time (skew from server_time)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ClientOptions, ProfileFactory, Promise, VirtualClock, checks
from harness.events import LoggedIn, Recorder, RefreshStarted


@pytest.mark.ac("AC1", "AC2")
@pytest.mark.scenario("Client clock ten minutes off the server")
@pytest.mark.needs("server_time")
@pytest.mark.parametrize(
    "skew_seconds", [pytest.param(600, id="ahead"), pytest.param(-600, id="behind")]
)
async def test_skewed_client_refreshes_its_threshold_before_server_expiry(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    skew_seconds: float,
) -> None:
    user = await profile(options=ClientOptions(skew_seconds=skew_seconds))
    tab = await user.login()
    ttl = promise.access_ttl
    step = min(timedelta(minutes=1), ttl / 10)
    for _ in range(round(ttl * 7 / 3 / step)):
        await clock.advance(step)
        assert await tab.chat("5+5")
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    checks.refreshed_before_expiry(recorder)
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    # Server time: the threshold before expiry, within one tick, whatever the client's clock says.
    early = timedelta(seconds=user.policy.threshold_for(ttl.total_seconds()))
    tick = timedelta(seconds=user.policy.tick_seconds)
    assert ttl - early - tick <= first.at - login.at <= ttl - early + tick
