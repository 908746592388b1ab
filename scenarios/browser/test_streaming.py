"""A streamed chat message sent with an expired access token: refreshed first, no redirect.

The story's second root cause: streaming used a bare `fetch` that bypassed the refresh.
The tab is hidden while its token expires, so its refresh timer stays quiet (as a
background tab's does) and the message is the first request to meet the expired token.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession, RedirectedToLogin
from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.events import Recorder, RefreshStarted
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
PAST_EXPIRY = timedelta(minutes=31)


async def stream_with_expired_token(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> str:
    """The streamed reply to "2+2" sent after the token expired; checks the user stayed."""
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await tab.hide()
    await clock.advance(PAST_EXPIRY, mode="fast_forward")
    assert alice.refresh_request_count == 0, "the hidden tab refreshed on its own"
    try:
        reply = await tab.send_chat("2+2", stream=True)
    except RedirectedToLogin as redirected:
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
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    assert await stream_with_expired_token(session, clock, recorder) == "4"
    assert session.profiles[0].refresh_request_count == 1
    assert [
        e.reason for e in recorder.of_kind(RefreshStarted) if isinstance(e, RefreshStarted)
    ] == ["proactive"]
    checks.no_interruption(recorder)


@pytest.mark.negative
@pytest.mark.ac("AC1")
@pytest.mark.scenario("Streaming request with an expired access token")
@pytest.mark.refapp(regressions={"stream_raw_fetch"})
async def test_streaming_through_a_raw_fetch_is_caught_redirecting_to_login(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    with pytest.raises(CheckFailed, match="token_expired"):
        await stream_with_expired_token(session, clock, recorder)
