"""AC5: what the user does (API calls) pushes the session's idle deadline forward."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

import pytest

from harness import checks
from harness.behaviour import chat_every
from harness.checks import CheckFailed
from harness.client import SignedOut, Tab
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.fixtures import ProfileFactory

# Default idle timeout is 60 minutes: a message every 50 keeps the session, refreshes alone don't.
GAP = timedelta(minutes=50)
MESSAGES = 6  # five hours in all


async def message_every_fifty_minutes(
    profile: ProfileFactory, clock: VirtualClock, *, calls_dropped: bool = False
) -> Tab:
    alice = await profile("alice")
    tab = await alice.login()
    if calls_dropped:
        # Regression: the user's calls never reach the server (a proxy drops them).
        alice.network.fail_next("/api/chat", times=MESSAGES)
    await chat_every(tab, clock, GAP, MESSAGES, message="1+1")
    return tab


@pytest.mark.ac("AC5")
async def test_message_every_fifty_minutes_keeps_a_one_hour_idle_session_for_five_hours(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    last_message = clock.now() + GAP * MESSAGES
    tab = await message_every_fifty_minutes(profile, clock)
    checks.no_redirect_to_login(recorder)
    assert tab.signed_in
    session = (await tab.get("/api/auth/session")).json()
    # The server's deadline follows the calls (its store write is throttled to 30 s).
    idle_end = datetime.fromisoformat(session["idle_expires_at"])
    assert abs(idle_end - (last_message + timedelta(hours=1))) <= timedelta(seconds=30)


@pytest.mark.ac("AC5")
async def test_activity_that_never_reaches_the_server_is_caught_as_a_redirect(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    await message_every_fifty_minutes(profile, clock, calls_dropped=True)
    with pytest.raises(CheckFailed, match="session_idle"):
        checks.no_redirect_to_login(recorder)


async def click_every_ten_minutes(profile: ProfileFactory, clock: VirtualClock, hours: int) -> Tab:
    """The user reads and clicks, sending nothing but a last message: only the tab's heartbeat
    tells the server the user is there meanwhile."""
    tab = await (await profile("alice")).login()
    for _ in range(hours * 6):
        await clock.advance(timedelta(minutes=10))
        if tab.signed_in:
            await tab.activity()
    with contextlib.suppress(SignedOut):
        await tab.chat("2+2")
    return tab


@pytest.mark.ac("AC5")
async def test_clicks_without_api_calls_keep_the_session_for_three_hours(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await click_every_ten_minutes(profile, clock, hours=3)
    checks.no_redirect_to_login(recorder)
    assert tab.signed_in


@pytest.mark.ac("AC5")
@pytest.mark.refapp(regressions={"no_proactive_refresh"})
async def test_clicks_with_no_heartbeat_are_caught_as_an_idle_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # Without the tab's timer nothing tells the server about the clicks: it ends the session.
    await click_every_ten_minutes(profile, clock, hours=3)
    with pytest.raises(CheckFailed, match="session_idle"):
        checks.no_redirect_to_login(recorder)
