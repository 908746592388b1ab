"""AC7 in Chromium: a countdown warning comes before idle sign-out; "Stay signed in" cancels it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession
from harness.clock import VirtualClock
from harness.events import IdleLogout, Recorder, WarningDismissed, WarningShown
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
# Idle timeout 5 min with the warning 60 s ahead: it shows from 4:00 on.
INTO_WARNING = timedelta(minutes=4, seconds=10)
PAST_FIRST_DEADLINE = timedelta(minutes=2)


@pytest.mark.ac("AC7", "AC6")
@pytest.mark.refapp(idle_timeout_seconds=300, warning_lead_seconds=60)
async def test_stay_signed_in_on_the_idle_warning_keeps_the_user_past_the_deadline(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    await clock.advance(INTO_WARNING)
    warning = await tab.warning()
    assert warning is not None and warning.kind == "idle"
    minutes, seconds = map(int, warning.countdown.split(":"))
    # 50 s, plus the few real seconds the page clock ran while the user signed in.
    assert minutes == 0 and 45 <= seconds <= 58
    await tab.stay_signed_in()
    await clock.advance(PAST_FIRST_DEADLINE)  # 6:10 after the last activity before the click
    assert not tab.on_login_page
    assert await tab.warning() is None
    assert await tab.send_chat("5*5") == "25"
    assert recorder.count(WarningShown) == 1 and recorder.count(WarningDismissed) == 1
    assert recorder.count(IdleLogout) == 0
    checks.no_redirect_to_login(recorder)
