"""AC1: a user who keeps working is never sent back to the login page."""

from __future__ import annotations

import asyncio

import pytest

from harness import checks
from harness.checks import CheckFailed
from harness.client import ClientOptions, SignedOut, Tab
from harness.clock import VirtualClock
from harness.events import Recorder, RefreshSucceeded
from harness.fixtures import ProfileFactory

TWO_HOURS = 120  # minutes: four access tokens of 30 minutes each


async def work_in_every_tab(tabs: list[Tab], clock: VirtualClock, minutes: int) -> None:
    """A message a minute, tab after tab; every 5 minutes every page polls at once.

    Stops when the user is sent to the login page: the checks then say what went wrong.
    """
    for minute in range(minutes):
        try:
            if minute % 5 == 0:
                await asyncio.gather(*(tab.get("/api/auth/session") for tab in tabs))
            assert await tabs[minute % len(tabs)].chat("2+2") == "4"
        except SignedOut:
            return
        await clock.advance(60)


async def active_user_with_three_tabs(
    profile: ProfileFactory, clock: VirtualClock, options: ClientOptions | None = None
) -> list[Tab]:
    alice = await profile("alice", options=options)
    tabs = [await alice.login(), alice.open_tab(), alice.open_tab()]
    await work_in_every_tab(tabs, clock, TWO_HOURS)
    return tabs


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User active, access token expires")
async def test_user_working_in_three_tabs_for_two_hours_is_never_redirected(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tabs = await active_user_with_three_tabs(profile, clock)
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)
    checks.no_interruption(recorder)
    assert all(tab.signed_in for tab in tabs)
    assert recorder.count(RefreshSucceeded) >= 4  # the access token really expired, 4 times


@pytest.mark.ac("AC1")
@pytest.mark.refapp(rotation_grace_seconds=0)
async def test_per_tab_refresh_lock_without_grace_is_caught_redirecting_the_user(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # Regression: tabs refresh on their own with the shared cookie; the server sees reuse.
    await active_user_with_three_tabs(profile, clock, ClientOptions(shared_lock=False))
    with pytest.raises(CheckFailed, match="refresh_reused"):
        checks.no_redirect_to_login(recorder)
