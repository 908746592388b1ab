"""AC6: the idle timeout fires after exactly the configured time without activity, not before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.behaviour import chat_every
from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.events import Recorder, RequestSent
from harness.fixtures import ProfileFactory

WORK = timedelta(minutes=30)  # a message every 5 minutes, then the user walks away


async def work_then_walk_away(
    profile: ProfileFactory, clock: VirtualClock, idle_seconds: int, *, calls_dropped: bool = False
) -> bool:
    """Returns whether the tab was still signed in one second before the idle deadline."""
    alice = await profile("alice")
    tab = await alice.login()
    if calls_dropped:
        alice.network.fail_next("/api/chat", times=6)  # regression: activity never arrives
    await chat_every(tab, clock, timedelta(minutes=5), 6, message="2*3")
    await clock.advance(idle_seconds - 1)
    still_signed_in = tab.signed_in
    await clock.advance(timedelta(minutes=5))
    return still_signed_in


@pytest.mark.ac("AC6")
@pytest.mark.parametrize(
    "idle_seconds",
    [
        pytest.param(600, marks=pytest.mark.refapp(idle_timeout_seconds=600), id="10min"),
        pytest.param(3600, id="60min-default"),
    ],
)
async def test_idle_timeout_signs_out_exactly_the_configured_time_after_the_last_call(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, idle_seconds: int
) -> None:
    assert await work_then_walk_away(profile, clock, idle_seconds)
    redirect = checks.redirected_to_login(recorder, reason="session_idle")
    checks.signed_out_only_after_idle(recorder, idle_seconds)
    last_call = max(
        e.at
        for e in recorder.of_kind(RequestSent)
        if isinstance(e, RequestSent) and e.path == "/api/chat"
    )
    assert redirect.at - last_call == timedelta(seconds=idle_seconds)
    assert redirect.message == "You were signed out after a period of inactivity."


@pytest.mark.ac("AC6")
async def test_server_deadline_ahead_of_the_user_is_caught_as_an_early_idle_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    await work_then_walk_away(profile, clock, 3600, calls_dropped=True)
    with pytest.raises(CheckFailed, match="less than 3600 s"):
        checks.signed_out_only_after_idle(recorder, 3600)
