"""Network faults during refresh: virtual-time backoff, a non-fatal banner, lost responses."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from harness.client import ClientOptions, ConnectionProblem
from harness.clock import VirtualClock
from harness.events import (
    BannerShown,
    NetworkError,
    Recorder,
    RedirectToLogin,
    RefreshFailed,
    RefreshRetry,
    RefreshSucceeded,
    RequestSent,
    Rotation,
)
from harness.fixtures import ProfileFactory

ALICE = ("alice@example.com", "wonderland")
REFRESH = "/api/auth/refresh"


def refresh_requests(recorder: Recorder) -> list[RequestSent]:
    return [
        e for e in recorder.of_kind(RequestSent) if isinstance(e, RequestSent) and e.path == REFRESH
    ]


async def test_offline_timer_refresh_retries_with_backoff_then_shows_a_banner(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.offline = True
    await clock.advance(timedelta(minutes=25))
    tries = refresh_requests(recorder)
    assert [(e.at - tries[0].at).total_seconds() for e in tries] == [0, 1, 3, 7]
    assert [e.delay_s for e in recorder.of_kind(RefreshRetry)] == [1.0, 2.0, 4.0]  # type: ignore[attr-defined]
    [failed] = recorder.of_kind(RefreshFailed)
    assert isinstance(failed, RefreshFailed) and not failed.fatal
    assert await tab.signed_in() and await tab.banner() is not None
    assert recorder.count(BannerShown) == 1 and recorder.count(RedirectToLogin) == 0
    alice.network.offline = False
    await clock.advance(30)  # the next timer tick tries again
    assert recorder.count(RefreshSucceeded) == 1
    assert await tab.banner() is None
    assert (await tab.get("/api/chat/history")).status_code == 200


async def test_request_with_expired_token_while_offline_raises_connection_problem(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.offline = True
    await clock.advance(timedelta(minutes=31), mode="fast_forward")  # the tick's refresh fails
    assert await tab.banner() is not None
    before = clock.now()
    with pytest.raises(ConnectionProblem):
        await tab.get("/api/chat/history")
    assert clock.now() - before == timedelta(seconds=7)  # the backoff waited in virtual time
    assert await tab.signed_in() and await tab.banner() is not None
    assert recorder.count(NetworkError) == 8  # four tries by the tick, four by the request
    assert recorder.count(RequestSent) - len(refresh_requests(recorder)) == 1  # only the login


async def test_request_lost_on_the_network_raises_connection_problem_not_sign_out(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.fail_next("/api/chat")
    with pytest.raises(ConnectionProblem, match="ConnectError"):
        await tab.chat("2+2")
    assert await tab.signed_in()
    assert await tab.chat("2+2") == "4"


async def test_two_failed_tries_then_success_refreshes_without_a_banner(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.fail_next(REFRESH, times=2)
    await clock.advance(timedelta(minutes=26))
    assert len(refresh_requests(recorder)) == 3
    assert recorder.count(RefreshSucceeded) == 1 and recorder.count(RefreshFailed) == 0
    assert await tab.banner() is None and await tab.signed_in()


async def test_server_error_on_refresh_is_retried_like_a_network_error(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    await alice.login(*ALICE)
    alice.network.fail_next(REFRESH, times=1, status=503)
    await clock.advance(timedelta(minutes=26))
    [retry] = recorder.of_kind(RefreshRetry)
    assert isinstance(retry, RefreshRetry) and retry.error == "http_503"
    assert recorder.count(RefreshSucceeded) == 1


async def test_lost_refresh_response_inside_grace_is_recovered_by_the_retry(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.lose_next_response(REFRESH)
    await clock.advance(timedelta(minutes=26))
    assert len(refresh_requests(recorder)) == 2
    assert recorder.count(Rotation) == 1  # the retry got back the token the server rotated to
    assert await tab.signed_in() and recorder.count(RedirectToLogin) == 0
    assert (await tab.get("/api/chat/history")).status_code == 200


@pytest.mark.refapp(rotation_grace_seconds=0)
async def test_lost_refresh_response_outside_grace_is_detected_as_reuse(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.lose_next_response(REFRESH)
    await clock.advance(timedelta(minutes=26))
    assert not await tab.signed_in()
    assert await tab.login_reason() == "refresh_reused"
    [failed] = recorder.of_kind(RefreshFailed)
    assert isinstance(failed, RefreshFailed) and failed.fatal


async def test_heartbeat_due_during_a_refresh_backoff_waits_for_the_next_tick_not_the_lock(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # Ticks every 2 s fire inside the backoff of the 25:00 refresh; the heartbeat is due from 25:01.
    alice = await profile(options=ClientOptions(timer_interval_seconds=2))
    tab = await alice.login(*ALICE)
    await clock.advance(timedelta(minutes=24, seconds=1))
    await tab.get("/api/chat/history")
    await clock.advance(29)
    await tab.activity()
    alice.network.offline = True
    # Real-time bound: a timer that waited for the refresh would hang the clock step.
    await asyncio.wait_for(clock.advance(37), timeout=5)
    assert len(refresh_requests(recorder)) == 4  # one cycle: the heartbeat did not start another
    assert await tab.signed_in() and await tab.banner() is not None
    alice.network.offline = False
    await clock.advance(1)
    assert recorder.count(RefreshSucceeded) == 1
    assert [e.path for e in recorder.of_kind(RequestSent)][-1] == "/api/auth/session"
