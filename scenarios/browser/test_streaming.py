"""A streamed chat message sent with an expired access token: refreshed first, no redirect.

The story's second root cause: streaming used a bare `fetch` that bypassed the refresh.
The tab is hidden while its token expires, so its refresh timer stays quiet (as a
background tab's does) and the message is the first request to meet the expired token.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ProfileFactory, SignedOut, VirtualClock, checks
from harness.checks import CheckFailed
from harness.events import Recorder

PAST_EXPIRY = timedelta(minutes=31)


async def stream_with_expired_token(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> str:
    """The streamed reply to "2+2" sent after the token expired; checks the user stayed."""
    alice = await profile()
    tab = await alice.login()
    await tab.hide()
    await clock.advance(PAST_EXPIRY, mode="fast_forward")
    assert not checks.refresh_requests(recorder), "the hidden tab refreshed on its own"
    try:
        reply = await tab.stream_chat("2+2")
    except SignedOut as redirected:
        reply = f"redirected: {redirected}"
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)
    return reply


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("Streaming request with an expired access token")
# No idle timeout, so no heartbeat: the click that sends the message would otherwise make the
# page ping the server, and that ping, not the message, might meet the expired token first.
@pytest.mark.refapp(idle_timeout_seconds=0)
async def test_streamed_message_with_expired_token_is_answered_after_a_silent_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    assert await stream_with_expired_token(profile, clock, recorder)
    assert sum(checks.refresh_requests(recorder).values()) == 1
    checks.no_interruption(recorder)


@pytest.mark.negative
@pytest.mark.ac("AC1")
@pytest.mark.scenario("Streaming request with an expired access token")
@pytest.mark.refapp(regressions={"stream_raw_fetch"})
@pytest.mark.drivers(
    "browser",
    api="stream_raw_fetch breaks the frontend's streaming path only; the simulated client "
    "has one request path for every call",
)
async def test_streaming_through_a_raw_fetch_is_caught_redirecting_to_login(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    with pytest.raises(CheckFailed, match=r"token_expired|token_rejected"):
        await stream_with_expired_token(profile, clock, recorder)
