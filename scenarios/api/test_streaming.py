"""Streaming requests go through the same auth path: an expired token is refreshed, not fatal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ClientOptions, Pace, ProfileFactory, Promise, checks
from harness.clock import Mode, VirtualClock
from harness.events import Recorder, RefreshSucceeded, Unauthorized

pytestmark = [pytest.mark.needs("stream"), pytest.mark.drivers("api", "browser")]


async def stream_after_expiry(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    options: ClientOptions,
    mode: Mode,
) -> str:
    tab = await (await profile(options=options)).login()
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode=mode)
    return await tab.stream_chat("2+2")


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("Streaming request with an expired access token")
async def test_stream_meeting_an_expired_token_refreshes_retries_and_gets_the_reply(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    # Only the refusal path can save this request: no refresh happened before it.
    options = ClientOptions(proactive_refresh=False)
    reply = await stream_after_expiry(profile, clock, promise, options, pace.gaps)
    assert reply
    [unauthorized] = recorder.of_kind(Unauthorized)
    assert unauthorized.path == promise.profile.path_of("stream")
    assert unauthorized.error == (promise.reason("token_expired") or "token_rejected")
    assert recorder.count(RefreshSucceeded) == 1
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC2", "AC3")
@pytest.mark.scenario("Streaming request with an expired access token")
async def test_stream_after_the_laptop_slept_past_expiry_refreshes_before_sending(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    reply = await stream_after_expiry(profile, clock, promise, ClientOptions(), "fast_forward")
    assert reply
    checks.no_unauthorized(recorder)
    checks.no_interruption(recorder)
