"""A browser whose clock is ten minutes off the server's refreshes on the server's schedule.

The page measures the skew from each token response's `server_time` and keeps expiries on
its own clock; the server runs ten minutes ahead of or behind the page's clock here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import ServerClock, VirtualClock
from harness.events import LoggedIn, Recorder, RefreshStarted
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
QUIET, BUSY = timedelta(minutes=20), timedelta(minutes=11)
THRESHOLD_AT, TICK = timedelta(minutes=25), timedelta(seconds=30)
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
async def test_browser_clock_ten_minutes_off_refreshes_five_minutes_before_server_expiry(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder, browser_ahead_s: int
) -> None:
    assert clock.server is not None
    clock.server = OffsetServerClock(clock.server, timedelta(seconds=-browser_ahead_s))
    await clock.server.set(clock.now())
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await clock.advance(QUIET, mode="fast_forward")
    await clock.advance(BUSY)  # run_for: the page's timer ticks every 30 s across the expiry
    assert await tab.chat("6*7") == "42"
    checks.no_unauthorized(recorder)
    checks.no_redirect_to_login(recorder)
    # Event times are the page's: the refresh came 25 minutes into the token's 30, on the
    # page's own clock, whatever the server's says.
    [login] = recorder.of_kind(LoggedIn)
    first = recorder.of_kind(RefreshStarted)[0]
    assert THRESHOLD_AT - CLOCK_TOLERANCE <= first.at - login.at <= THRESHOLD_AT + TICK + SLICE
