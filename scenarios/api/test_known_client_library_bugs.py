"""Bugs seen in real auth client libraries, replayed against our client: none may reappear.

Each test names the library issue it guards against (see the project's reference notes):
parallel 401s each starting a refresh, requests dropped or left hanging around a refresh,
and a refresh that gives up for good after a network blip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from datetime import timedelta

import pytest

from harness import ClientOptions, ProfileFactory, Promise, SignedOut, VirtualClock, checks
from harness.events import Recorder, RequestSent, Unauthorized

pytestmark = pytest.mark.drivers("api", "browser")

REACTIVE_ONLY = ClientOptions(proactive_refresh=False)  # every request meets the 401 first
# Real-time bound on a burst: a request left hanging would wait forever, not a bit longer.
HANG_LIMIT_S = 10.0


async def burst(calls: Iterable[Awaitable[object]]) -> list[object]:
    """Run the calls at once; their results or exceptions, failing if any of them hangs."""
    return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), HANG_LIMIT_S)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("Parallel 401s start one refresh")
async def test_fifteen_parallel_401s_in_one_tab_share_one_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    """auth0-spa-js #553, axios-auth-refresh #56/#139: 15 concurrent calls, several refreshes."""
    tab = await (await profile(options=REACTIVE_ONLY)).login()
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    results = await burst([tab.probe() for _ in range(15)])
    assert [getattr(r, "status_code", r) for r in results] == [200] * 15
    assert recorder.count(Unauthorized) >= 1  # the burst really met an expired token
    checks.refreshes_per_profile(recorder, 1)
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("Parallel 401s start one refresh")
async def test_request_that_failed_before_the_refresh_started_is_retried(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    """axios-auth-refresh #113: a 401 that arrived before the refresh began was dropped."""
    user = await profile(options=REACTIVE_ONLY)
    tab = await user.login()
    other = await user.open_tab()
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    first = asyncio.ensure_future(tab.probe())
    await asyncio.sleep(0)  # the first request is on its way before the second starts
    results = await burst([first, other.chat("3*3")])
    assert getattr(results[0], "status_code", results[0]) == 200
    assert results[1]
    checks.refreshes_per_profile(recorder, 1)


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Requests waiting on a failed refresh are released")
@pytest.mark.refapp(idle_timeout_seconds=0)  # so the refresh token's expiry is what ends it
async def test_requests_queued_behind_a_failing_refresh_all_end_on_the_login_page(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    """axios-auth-refresh #14: requests queued during a refresh hung when it failed."""
    user = await profile(options=REACTIVE_ONLY)
    tabs = [await user.login(), await user.open_tab(), await user.open_tab()]
    await clock.advance(
        promise.refresh_ttl + timedelta(days=1), mode="fast_forward"
    )  # the refresh token is gone
    results = await burst([tab.probe() for tab in tabs for _ in range(3)])
    assert all(isinstance(r, SignedOut) for r in results), results
    checks.redirected_to_login(recorder, reason=promise.reason("refresh_expired"))
    assert not any([await tab.signed_in() for tab in tabs])


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh is never refreshed")
@pytest.mark.refapp(idle_timeout_seconds=0)
async def test_a_401_from_the_refresh_call_is_not_intercepted_again(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    """axios-auth-refresh #152/#120: the refresh call's own 401 triggered another refresh."""
    tab = await (await profile()).login()
    await clock.advance(promise.refresh_ttl + timedelta(days=1), mode="fast_forward")
    with pytest.raises(SignedOut):
        await tab.chat("1+1")
    refreshes = [e for e in recorder.of_kind(RequestSent) if e.purpose == "refresh"]
    assert len(refreshes) == 1
    checks.redirected_to_login(recorder, reason=promise.reason("refresh_expired"))
