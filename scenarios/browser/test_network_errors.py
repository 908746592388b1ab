"""Network error during refresh in Chromium: retries, a banner, no sign-out, then recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import BannerShown, Recorder, RefreshRetry, RefreshSucceeded
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
CONNECTION_MESSAGE = "Connection problem, retrying."  # as the server serves it
# The refresh timer starts at 25 min; the token is still valid until 30 min.
QUIET, OFFLINE, ONLINE_AGAIN = timedelta(minutes=24), timedelta(minutes=3), timedelta(minutes=1)


@pytest.mark.ac("AC1", "AC4")
@pytest.mark.scenario("Network error during refresh")
async def test_refresh_failing_on_the_network_retries_shows_a_banner_and_recovers(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await clock.advance(QUIET, mode="fast_forward")
    await alice.fail_refresh()  # every refresh request is aborted: the network is down
    await clock.advance(OFFLINE)  # run_for: each try and its 1, 2, 4 s backoff in order
    assert await tab.banner_text() == CONNECTION_MESSAGE
    assert not tab.on_login_page
    assert recorder.count(RefreshRetry) >= 3
    assert recorder.count(RefreshSucceeded) == 0
    await alice.restore_network()
    await clock.advance(ONLINE_AGAIN)  # the next timer tick refreshes
    assert await tab.banner_text() is None
    assert recorder.count(RefreshSucceeded) == 1
    await clock.advance(timedelta(minutes=10), mode="fast_forward")  # past the old expiry
    assert await tab.send_chat("8-1") == "7"
    assert recorder.count(BannerShown) == 1
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)
    checks.no_unauthorized(recorder)
