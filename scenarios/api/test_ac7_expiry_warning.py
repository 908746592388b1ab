"""AC7: before an idle sign-out the user sees a warning, and "Stay signed in" keeps them in."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from harness import checks
from harness.behaviour import chat_every
from harness.checks import CheckFailed
from harness.client import Tab
from harness.clock import VirtualClock
from harness.events import Recorder, RedirectToLogin, WarningShown
from harness.fixtures import ProfileFactory

IDLE = timedelta(hours=1)  # the default idle timeout; the warning comes 2 minutes before it
LEAD = timedelta(minutes=2)


async def work_half_an_hour_then_idle(
    profile: ProfileFactory, clock: VirtualClock, idle: timedelta, *, calls_dropped: bool = False
) -> Tab:
    alice = await profile("alice")
    tab = await alice.login()
    if calls_dropped:
        alice.network.fail_next("/api/chat", times=6)  # regression: activity never arrives
    await chat_every(tab, clock, timedelta(minutes=5), 6, message="9-1")
    await clock.advance(idle)
    return tab


@pytest.mark.ac("AC7")
async def test_idle_warning_comes_two_minutes_before_the_sign_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    last_call = clock.now() + timedelta(minutes=30)
    await work_half_an_hour_then_idle(profile, clock, IDLE)
    checks.warning_shown_before(recorder, "idle")
    [warning] = [e for e in recorder.of_kind(WarningShown) if isinstance(e, WarningShown)]
    assert warning.at == last_call + IDLE - LEAD
    assert warning.seconds_left == LEAD.total_seconds()
    checks.redirected_to_login(recorder, reason="session_idle")


@pytest.mark.ac("AC5", "AC7")
async def test_stay_signed_in_on_the_warning_keeps_the_session_on_both_sides(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await work_half_an_hour_then_idle(profile, clock, IDLE - LEAD)
    assert tab.warning == "idle"
    await tab.stay_signed_in()
    assert tab.warning is None
    session = (await tab.get("/api/auth/session")).json()
    assert datetime.fromisoformat(session["idle_expires_at"]) - clock.now() >= IDLE - timedelta(
        seconds=30
    )
    await clock.advance(IDLE - LEAD)
    assert tab.signed_in
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC7")
async def test_server_deadline_ahead_of_the_client_is_caught_as_a_redirect_without_warning(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    await work_half_an_hour_then_idle(profile, clock, IDLE, calls_dropped=True)
    assert recorder.count(RedirectToLogin) == 1
    with pytest.raises(CheckFailed, match="no 'idle' warning"):
        checks.warning_shown_before(recorder, "idle")
