"""Network trouble around refresh: retry with backoff, a banner instead of a logout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.client import ClientOptions, SignedOut
from harness.clock import VirtualClock
from harness.events import BannerShown, Recorder, RefreshRetry, Rotation
from harness.fixtures import ProfileFactory

REFRESH = "/api/auth/refresh"
BEFORE_REFRESH = timedelta(minutes=24)  # the tab refreshes at 25 minutes


@pytest.mark.ac("AC1", "AC4")
@pytest.mark.scenario("Network error during refresh")
async def test_offline_during_refresh_retries_shows_a_banner_and_keeps_the_session(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile("alice")
    tab = await alice.login()
    await clock.advance(BEFORE_REFRESH)
    alice.network.offline = True
    await clock.advance(timedelta(minutes=1, seconds=10))  # one refresh: 25:00 to 25:07
    retries = [e for e in recorder.of_kind(RefreshRetry) if isinstance(e, RefreshRetry)]
    assert [r.delay_s for r in retries] == [1.0, 2.0, 4.0]  # 4 tries, then a graceful error
    assert tab.signed_in and tab.banner == "Connection problem, retrying."
    assert recorder.count(BannerShown) >= 1
    alice.network.offline = False
    assert await tab.chat("2+2") == "4"  # the old token is still valid, then refreshes
    await clock.advance(60)
    assert tab.banner is None
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Refresh response lost after the server rotated")
async def test_lost_refresh_response_retried_inside_the_grace_window_keeps_the_session(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile("alice")
    tab = await alice.login()
    alice.network.lose_next_response(REFRESH)
    await clock.advance(timedelta(minutes=26))  # retried 1 s later, inside the 10 s window
    assert recorder.count(Rotation) == 1  # the retry got the token the server rotated to
    assert await tab.chat("2+2") == "4"
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh response lost after the server rotated")
async def test_lost_refresh_response_retried_after_the_grace_window_is_reuse(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # A client that waits 15 s before retrying presents the parent after the 10 s window.
    alice = await profile("alice", options=ClientOptions(retry_delays=(15.0,)))
    tab = await alice.login()
    alice.network.lose_next_response(REFRESH)
    await clock.advance(timedelta(minutes=26))
    redirect = checks.redirected_to_login(recorder, reason="refresh_reused")
    assert redirect.message == "Your session was ended for your security. Please sign in again."
    with pytest.raises(SignedOut):
        await tab.chat("2+2")
