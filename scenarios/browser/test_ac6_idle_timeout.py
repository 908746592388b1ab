"""AC6 in Chromium: idle sign-out comes after the configured time of no activity, not before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import IdleLogout, LoggedIn, Recorder
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
IDLE_MESSAGE = "You were signed out after a period of inactivity."
MARGIN = timedelta(seconds=5)  # the page ran a moment of real time while signing in


def idle_settings(seconds: int) -> pytest.MarkDecorator:
    return pytest.mark.refapp(idle_timeout_seconds=seconds, warning_lead_seconds=60)


@pytest.mark.ac("AC6", "AC7")
@pytest.mark.parametrize(
    "idle_seconds",
    [
        pytest.param(300, marks=idle_settings(300), id="5min"),
        pytest.param(600, marks=idle_settings(600), id="10min"),
    ],
)
async def test_idle_user_is_signed_out_after_the_configured_time_with_a_warning_first(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder, idle_seconds: int
) -> None:
    idle = timedelta(seconds=idle_seconds)
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await clock.advance(idle - MARGIN)  # run_for: the 1 s idle check fires all along
    assert not tab.on_login_page
    warning = await tab.warning()
    assert warning is not None and warning.kind == "idle"
    await clock.advance(2 * MARGIN)
    await tab.wait_for_login_page()
    assert await tab.login_message() == IDLE_MESSAGE
    checks.warning_shown_before(recorder, "idle")
    checks.redirected_to_login(recorder, reason="session_idle")
    [login], [logout] = recorder.of_kind(LoggedIn), recorder.of_kind(IdleLogout)
    assert idle <= logout.at - login.at <= idle + MARGIN
