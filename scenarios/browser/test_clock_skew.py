"""A browser whose clock is ten minutes off the server's refreshes on the server's schedule.

The page measures the skew from each token response's `server_time` and keeps expiries on
its own clock; the server runs ten minutes ahead of or behind the page's clock here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from harness import ProfileFactory, Promise, checks
from harness.clock import ServerClock, VirtualClock
from harness.events import LoggedIn, Recorder, RefreshStarted

CLOCK_TOLERANCE, SLICE = timedelta(seconds=2), timedelta(seconds=10)


class OffsetServerClock:
    """The app's clock held `offset` away from the virtual time the pages follow."""

    def __init__(self, inner: ServerClock, offset: timedelta) -> None:
        self.inner = inner
        self.offset = offset

    async def set(self, now: datetime) -> None:
        await self.inner.set(now + self.offset)

    async def sync(self) -> None:
        await self.inner.sync()


@pytest.mark.ac("AC1", "AC2")
@pytest.mark.scenario("Client clock ten minutes off the server")
@pytest.mark.parametrize(
    "browser_ahead_s", [pytest.param(600, id="browser-ahead"), pytest.param(-600, id="behind")]
)
async def test_browser_clock_ten_minutes_off_refreshes_on_the_server_schedule(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    browser_ahead_s: int,
) -> None:
    assert clock.server is not None
    clock.server = OffsetServerClock(clock.server, timedelta(seconds=-browser_ahead_s))
    await clock.server.set(clock.now())
    alice = await profile()
    tab = await alice.login()
    ttl = promise.access_ttl
    threshold_at = ttl - timedelta(seconds=alice.policy.threshold_for(ttl.total_seconds()))
    quiet = threshold_at - ttl / 6
    await clock.advance(quiet, mode="fast_forward")
    await clock.advance(ttl * 31 / 30 - quiet)  # run_for: the page's timer ticks past expiry
    assert await tab.chat("6*7")
    checks.no_unauthorized(recorder)
    checks.no_redirect_to_login(recorder)
    # Event times are the page's: the refresh came its threshold before the token's expiry,
    # on the page's own clock, whatever the server's says.
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    tick = timedelta(seconds=alice.policy.tick_seconds)
    assert threshold_at - CLOCK_TOLERANCE <= first.at - login.at <= threshold_at + tick + SLICE
