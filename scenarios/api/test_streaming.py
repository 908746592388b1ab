"""Streaming chat goes through the same auth path: an expired token is refreshed, not fatal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.client import ClientOptions
from harness.clock import Mode, VirtualClock
from harness.events import Recorder, RefreshSucceeded, Unauthorized
from harness.fixtures import ProfileFactory

PAST_EXPIRY = timedelta(minutes=31)


async def stream_after_expiry(
    profile: ProfileFactory, clock: VirtualClock, options: ClientOptions, mode: Mode
) -> str:
    tab = await (await profile("alice", options=options)).login()
    await clock.advance(PAST_EXPIRY, mode=mode)
    return "".join(await tab.stream_chat("2+2"))


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("Streaming request with an expired access token")
async def test_stream_meeting_an_expired_token_refreshes_retries_and_gets_the_reply(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # Only the 401 path can save this request: no refresh happened before it.
    reply = await stream_after_expiry(
        profile, clock, ClientOptions(proactive_refresh=False), "run_for"
    )
    assert reply == "4"
    [unauthorized] = recorder.of_kind(Unauthorized)
    assert isinstance(unauthorized, Unauthorized)
    assert (unauthorized.path, unauthorized.error) == ("/api/chat/stream", "token_expired")
    assert recorder.count(RefreshSucceeded) == 1
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC2", "AC3")
@pytest.mark.scenario("Streaming request with an expired access token")
async def test_stream_after_the_laptop_slept_past_expiry_refreshes_before_sending(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    reply = await stream_after_expiry(profile, clock, ClientOptions(), "fast_forward")
    assert reply == "4"
    checks.no_unauthorized(recorder)
    checks.no_interruption(recorder)
