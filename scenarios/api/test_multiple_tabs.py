"""Several tabs of one profile: one refresh for all, no conflict, one logout for all."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from harness import checks
from harness.checks import CheckFailed
from harness.client import ClientOptions, SignedOut
from harness.clock import VirtualClock
from harness.events import LoggedOut, Recorder, Rotation, TokenAdopted
from harness.fixtures import ProfileFactory

PAST_EXPIRY = timedelta(minutes=31)


async def ten_tabs_wake_after_expiry(
    profile: ProfileFactory, clock: VirtualClock, options: ClientOptions | None = None
) -> list[int | str]:
    """Ten tabs, laptop asleep past the token's expiry; on waking every tab asks at once.

    Returns each tab's HTTP status, or the reason it was sent to the login page.
    """
    alice = await profile("alice", options=options)
    tabs = [await alice.login(), *(alice.open_tab() for _ in range(9))]
    await clock.advance(PAST_EXPIRY, mode="fast_forward")
    outcomes = await asyncio.gather(
        *(tab.get("/api/chat/history") for tab in tabs), return_exceptions=True
    )
    return [outcome_of(o) for o in outcomes]


def outcome_of(result: httpx.Response | BaseException) -> int | str:
    if isinstance(result, SignedOut):
        return result.reason
    if isinstance(result, BaseException):
        raise result
    return result.status_code


@pytest.mark.scenario("Multiple tabs open")
@pytest.mark.ac("AC1", "AC3")
async def test_three_tabs_used_for_an_hour_share_each_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile("alice")
    tabs = [await alice.login(), alice.open_tab(), alice.open_tab()]
    for minute in range(60):
        await clock.advance(60)
        assert await tabs[minute % 3].chat("1+2") == "3"
    # Refreshes at 25 and 50 minutes, each sent by one tab and adopted by the other two.
    checks.refreshes_per_profile(recorder, 2)
    assert recorder.count(Rotation) == 2
    assert recorder.count(TokenAdopted) == 4
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)


@pytest.mark.scenario("Ten tabs hit expiry in the same instant")
@pytest.mark.ac("AC1")
async def test_ten_tabs_hitting_expiry_together_send_exactly_one_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    outcomes = await ten_tabs_wake_after_expiry(profile, clock)
    assert outcomes == [200] * 10
    checks.refreshes_per_profile(recorder, 1)
    assert recorder.count(Rotation) == 1
    checks.no_redirect_to_login(recorder)


@pytest.mark.scenario("Ten tabs hit expiry in the same instant")
@pytest.mark.ac("AC1")
@pytest.mark.refapp(rotation_grace_seconds=0)
async def test_per_tab_refresh_lock_without_grace_is_caught_racing_and_signing_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    outcomes = await ten_tabs_wake_after_expiry(profile, clock, ClientOptions(shared_lock=False))
    assert "refresh_reused" in outcomes or "session_revoked" in outcomes
    with pytest.raises(CheckFailed, match="expected 1 refresh request"):
        checks.refreshes_per_profile(recorder, 1)
    with pytest.raises(CheckFailed, match="refresh_reused"):
        checks.no_redirect_to_login(recorder)


@pytest.mark.scenario("Logout in one tab logs out every tab")
async def test_logout_in_one_tab_sends_every_tab_of_the_profile_to_login(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile("alice")
    tabs = [await alice.login(), alice.open_tab(), alice.open_tab()]
    old_token = tabs[0].token
    await tabs[1].logout()
    assert [tab.signed_in for tab in tabs] == [False, False, False]
    assert recorder.count(LoggedOut) == 3
    with pytest.raises(SignedOut, match="logout"):
        await tabs[2].get("/api/chat/history")
    # The server ended the session too: the access token a tab held is refused.
    assert old_token is not None
    stale = await alice.http.get(
        "/api/chat/history", headers={"Authorization": f"Bearer {old_token.value}"}
    )
    assert (stale.status_code, stale.json()["error"]) == (401, "session_revoked")
