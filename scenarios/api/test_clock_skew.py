"""A client clock ten minutes off the server still refreshes on time (skew from server_time)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.client import ClientOptions
from harness.clock import VirtualClock
from harness.events import LoggedIn, Recorder, RefreshStarted
from harness.fixtures import ProfileFactory


@pytest.mark.ac("AC1", "AC2")
@pytest.mark.scenario("Client clock ten minutes off the server")
@pytest.mark.parametrize(
    "skew_seconds", [pytest.param(600, id="ahead"), pytest.param(-600, id="behind")]
)
async def test_skewed_client_refreshes_five_minutes_before_server_expiry(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, skew_seconds: float
) -> None:
    tab = await (await profile("alice", options=ClientOptions(skew_seconds=skew_seconds))).login()
    for _ in range(70):
        await clock.advance(60)
        assert await tab.chat("5+5") == "10"
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    checks.refreshed_before_expiry(recorder)
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    # Server time: 25 minutes after login, within one 30 s tick, whatever the client's clock says.
    assert timedelta(minutes=25) <= first.at - login.at <= timedelta(minutes=25, seconds=30)
