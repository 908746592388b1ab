"""Reuse of an old refresh token: the family is revoked, so thief and user are both out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.client import SignedOut
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.fixtures import ProfileFactory

SECURITY = "Your session was ended for your security. Please sign in again."


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Reuse of an old refresh token revokes the family")
async def test_stolen_old_refresh_token_is_refused_and_the_user_is_signed_out_next(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile("alice")
    tab = await alice.login()
    stolen = alice.refresh_cookie()
    await clock.advance(timedelta(minutes=26))  # alice's tab rotates; the stolen one is old
    assert alice.refresh_cookie() != stolen
    thief = await profile("bob", name="thief")
    response = await thief.http.post(
        "/api/auth/refresh", headers={"Cookie": f"refresh_token={stolen}"}
    )
    assert (response.status_code, response.json()["error"]) == (401, "refresh_reused")
    checks.no_redirect_to_login(recorder, profile="alice")  # not yet: alice sent nothing
    with pytest.raises(SignedOut):
        await tab.chat("2+2")
    redirect = checks.redirected_to_login(recorder, reason="session_revoked", profile="alice")
    assert redirect.message == SECURITY
    # The family is gone for everyone: the current token of alice is refused too.
    again = await thief.http.post(
        "/api/auth/refresh", headers={"Cookie": f"refresh_token={alice.refresh_cookie()}"}
    )
    assert again.status_code == 401
