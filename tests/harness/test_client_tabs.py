"""Tabs of one profile: single-flight refresh, the per_tab_lock regression, shared sign-out."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from harness.client import ClientOptions, SignedOut
from harness.clock import VirtualClock
from harness.events import (
    LoggedOut,
    Recorder,
    RedirectToLogin,
    RefreshSucceeded,
    RequestSent,
    Rotation,
    TokenAdopted,
    Unauthorized,
)
from harness.fixtures import ProfileFactory

ALICE = ("alice@example.com", "wonderland")


def requests_to(recorder: Recorder, path: str) -> int:
    return sum(1 for e in recorder.of_kind(RequestSent) if getattr(e, "path", "") == path)


async def test_tab_opened_after_login_shares_the_session_without_a_request(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile()
    await alice.login(*ALICE)
    sent = recorder.count(RequestSent)
    second = await alice.open_tab("second")
    assert await second.signed_in()
    assert recorder.count(RequestSent) == sent
    assert (await second.get("/api/auth/session")).status_code == 200
    assert requests_to(recorder, "/api/auth/refresh") == 0


async def test_ten_tabs_reaching_the_threshold_together_make_one_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    await alice.login(*ALICE)
    tabs = [alice.tabs[0], *[await alice.open_tab() for _ in range(9)]]
    await clock.advance(timedelta(minutes=26))  # every tab's timer sees < 5 min left at 25:00
    assert requests_to(recorder, "/api/auth/refresh") == 1
    assert recorder.count(Rotation) == 1
    assert recorder.count(TokenAdopted) == 9
    results = await asyncio.gather(*(tab.get("/api/chat/history") for tab in tabs))
    assert [r.status_code for r in results] == [200] * 10
    assert len({id(tab.token) for tab in tabs}) == 1


async def test_ten_tabs_hitting_expiry_in_the_same_instant_make_one_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile(options=ClientOptions(proactive_refresh=False))
    await alice.login(*ALICE)
    tabs = [alice.tabs[0], *[await alice.open_tab() for _ in range(9)]]
    await clock.advance(timedelta(minutes=31))
    results = await asyncio.gather(*(tab.get("/api/chat/history") for tab in tabs))
    assert [r.status_code for r in results] == [200] * 10
    assert recorder.count(Unauthorized) == 10  # every tab's first try saw the expired token
    assert requests_to(recorder, "/api/auth/refresh") == 1
    assert recorder.count(RedirectToLogin) == 0


@pytest.mark.refapp(rotation_grace_seconds=0)
async def test_per_tab_lock_without_grace_is_caught_as_refresh_reuse(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile(options=ClientOptions(shared_lock=False))
    await alice.login(*ALICE)
    tabs = [alice.tabs[0], *[await alice.open_tab() for _ in range(9)]]
    # Nine tabs without a token of their own refresh at once, all with the same cookie.
    with pytest.raises(SignedOut):
        await asyncio.gather(*(tab.get("/api/chat/history") for tab in tabs))
    reasons = {e.reason for e in recorder.of_kind(RedirectToLogin)}  # type: ignore[attr-defined]
    assert "refresh_reused" in reasons
    assert not any([await tab.signed_in() for tab in tabs])


async def test_per_tab_lock_inside_the_grace_window_keeps_every_tab_signed_in(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile(options=ClientOptions(shared_lock=False))
    await alice.login(*ALICE)
    tabs = [alice.tabs[0], *[await alice.open_tab() for _ in range(9)]]
    results = await asyncio.gather(*(tab.get("/api/chat/history") for tab in tabs))
    assert [r.status_code for r in results] == [200] * 10
    # Nine tabs had no token of their own: each refreshed with the same cookie at once.
    assert requests_to(recorder, "/api/auth/refresh") == 9
    assert recorder.count(RefreshSucceeded) == 9
    assert recorder.count(Rotation) == 1


async def test_logout_in_one_tab_puts_every_tab_of_the_profile_on_the_login_page(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile()
    await alice.login(*ALICE)
    tabs = [alice.tabs[0], await alice.open_tab(), await alice.open_tab()]
    await tabs[1].logout()
    assert [await tab.signed_in() for tab in tabs] == [False] * 3
    assert requests_to(recorder, "/api/auth/logout") == 1
    assert recorder.count(LoggedOut) == 3
    assert recorder.count(RedirectToLogin) == 0
    with pytest.raises(SignedOut) as signed_out:
        await tabs[0].get("/api/chat/history")
    assert signed_out.value.reason == "logout"
    assert alice.refresh_cookie() is None


async def test_logout_revokes_the_session_on_the_server(profile: ProfileFactory) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    stale = tab.token
    await tab.logout()
    assert stale is not None
    response = await alice.http.get(
        "/api/chat/history", headers={"Authorization": f"Bearer {stale.value}"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "session_revoked"


async def test_a_refresh_lock_held_past_its_timeout_is_taken_over(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.state.policy = dataclasses.replace(alice.policy, lock_timeout_seconds=0.05)
    await alice.refresh_lock.acquire()  # a frozen tab holds it and never lets go
    alice.state.refresh_locks_held += 1
    await clock.advance(timedelta(minutes=31))  # the tick skips: the lock is held
    assert requests_to(recorder, "/api/auth/refresh") == 0
    assert (await tab.get("/api/auth/session")).status_code == 200
    assert requests_to(recorder, "/api/auth/refresh") == 1
    assert alice.refresh_lock.locked()  # still the frozen holder's: the thief never releases
