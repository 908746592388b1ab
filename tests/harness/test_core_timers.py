"""A tab's timers: idle warning and logout, "stay signed in", the absolute-lifetime warning."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness.client import SignedOut, Tab
from harness.clock import VirtualClock
from harness.drivers import ExpiryWarning
from harness.events import (
    IdleLogout,
    Recorder,
    RedirectToLogin,
    RefreshSucceeded,
    WarningDismissed,
    WarningShown,
)
from harness.fixtures import ProfileFactory

ALICE = ("alice@example.com", "wonderland")


async def kind_of_warning(tab: Tab) -> str | None:
    warning = await tab.warning()
    return None if warning is None else warning.kind


@pytest.mark.parametrize(
    "idle_seconds",
    [pytest.param(s, marks=pytest.mark.refapp(idle_timeout_seconds=s)) for s in (600, 1800)],
)
async def test_idle_user_is_warned_then_signed_out_at_the_configured_timeout(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, idle_seconds: int
) -> None:
    start = clock.now()
    tab = await (await profile()).login(*ALICE)
    await clock.advance(idle_seconds - 121)
    assert await tab.warning() is None
    await clock.advance(1)
    assert await tab.warning() == ExpiryWarning("idle", 120)
    [shown] = recorder.of_kind(WarningShown)
    assert isinstance(shown, WarningShown) and shown.seconds_left == 120
    await clock.advance(120)
    assert not await tab.signed_in()
    assert await tab.login_message() == "You were signed out after a period of inactivity."
    [logout] = recorder.of_kind(IdleLogout)
    assert logout.at - start == timedelta(seconds=idle_seconds)
    assert recorder.count(RedirectToLogin) == 1


async def test_stay_signed_in_dismisses_the_warning_and_moves_the_deadline(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile()).login(*ALICE)
    await clock.advance(timedelta(minutes=58, seconds=30))
    assert await kind_of_warning(tab) == "idle"
    await tab.stay_signed_in()
    assert await tab.warning() is None
    assert recorder.count(WarningDismissed) == 1
    await clock.advance(timedelta(minutes=50))
    assert await tab.signed_in() and recorder.count(IdleLogout) == 0
    # Refreshes kept the token fresh meanwhile, but they are not activity: the idle end stays.
    assert recorder.count(RefreshSucceeded) >= 3
    await clock.advance(timedelta(minutes=10))
    assert not await tab.signed_in() and await tab.login_reason() == "session_idle"


async def test_api_calls_in_another_tab_keep_every_tab_of_the_profile_signed_in(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    first = await alice.login(*ALICE)
    second = await alice.open_tab()
    for _ in range(4):
        await clock.advance(timedelta(minutes=30))
        await second.get("/api/chat/history")
    assert await first.signed_in() and await second.signed_in()
    assert recorder.count(WarningShown) == 0


async def test_laptop_lid_closed_past_the_idle_timeout_ends_on_the_login_page(
    profile: ProfileFactory, clock: VirtualClock
) -> None:
    tab = await (await profile()).login(*ALICE)
    await clock.advance(timedelta(hours=3), mode="fast_forward")
    assert not await tab.signed_in()
    assert await tab.login_reason() == "session_idle"


@pytest.mark.refapp(session_max_seconds=7200, idle_timeout_seconds=0)
async def test_absolute_lifetime_warns_then_ends_the_active_session(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    start = clock.now()
    tab = await (await profile()).login(*ALICE)
    with pytest.raises(SignedOut):
        for _ in range(121):
            await clock.advance(60)
            await tab.get("/api/chat/history")
    shown = [e for e in recorder.of_kind(WarningShown) if isinstance(e, WarningShown)]
    assert [(e.warning, e.at - start) for e in shown] == [("absolute", timedelta(minutes=118))]
    assert not await tab.signed_in()
    assert await tab.login_message() == "Your session has expired. Please sign in again."


@pytest.mark.refapp(session_max_seconds=7200, idle_timeout_seconds=0)
async def test_open_tab_without_requests_goes_to_login_at_the_absolute_end(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    start = clock.now()
    alice = await profile()
    tab = await alice.login(*ALICE)
    second = await alice.open_tab()
    await clock.advance(timedelta(hours=2), mode="fast_forward")
    assert not await tab.signed_in() and not await second.signed_in()
    redirects = [e for e in recorder.of_kind(RedirectToLogin) if isinstance(e, RedirectToLogin)]
    assert [(e.reason, e.at - start) for e in redirects] == [
        ("session_expired", timedelta(hours=2)),
        ("session_expired", timedelta(hours=2)),
    ]
