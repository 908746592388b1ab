"""Long runs: a week of continuous use never meets the login page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.clock import VirtualClock
from harness.events import Recorder, RefreshSucceeded, Rotation
from harness.fixtures import ProfileFactory

WEEK = timedelta(days=7)


@pytest.mark.slow
@pytest.mark.ac("AC1", "AC2", "AC5")
@pytest.mark.scenario("A week of continuous activity")
async def test_request_every_minute_for_seven_days_never_redirects(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile("alice")).login()
    minutes = int(WEEK / timedelta(minutes=1))
    statuses: set[int] = set()
    for _ in range(minutes):
        await clock.advance(60)  # run_for: the tab's refresh timer fires on the way
        statuses.add((await tab.get("/api/auth/session")).status_code)
    assert statuses == {200}
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    checks.refreshed_before_expiry(recorder)
    # One rotation every 25 minutes, well past the refresh token's own 7-day TTL.
    assert recorder.count(RefreshSucceeded) == recorder.count(Rotation) >= minutes // 25 - 1
