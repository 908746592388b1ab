"""Several tabs of one profile: one refresh for all, no conflict, one logout for all."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from harness import (
    CheckFailed,
    ClientOptions,
    Pace,
    ProfileFactory,
    Promise,
    ServerView,
    SignedOut,
    VirtualClock,
    checks,
)
from harness.events import LoggedOut, Recorder, RefreshSucceeded, Rotation, TokenAdopted

pytestmark = [pytest.mark.needs("probe"), pytest.mark.drivers("api", "browser")]


async def ten_tabs_wake_after_expiry(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    options: ClientOptions | None = None,
) -> list[int | str]:
    """Ten tabs, laptop asleep past the token's expiry; on waking every tab asks at once.

    Returns each tab's HTTP status, or the reason it was sent to the login page.
    """
    user = await profile(options=options)
    tabs = [await user.login(), *[await user.open_tab() for _ in range(9)]]
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    outcomes = await asyncio.gather(*(tab.probe() for tab in tabs), return_exceptions=True)
    return [outcome_of(o) for o in outcomes]


def outcome_of(result: httpx.Response | BaseException) -> int | str:
    if isinstance(result, SignedOut):
        return result.reason
    if isinstance(result, BaseException):
        raise result
    return result.status_code


@pytest.mark.scenario("Multiple tabs open")
@pytest.mark.ac("AC1", "AC3")
async def test_three_tabs_used_through_two_token_lifetimes_share_each_refresh(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    server_view: ServerView,
) -> None:
    user = await profile()
    tabs = [await user.login(), await user.open_tab(), await user.open_tab()]
    opened = recorder.count(TokenAdopted)  # a browser tab opening asks the others for theirs
    step = min(pace.action_every, promise.access_ttl / 10)
    for n in range(round(2 * promise.access_ttl / step)):
        await clock.advance(step, mode=pace.gaps)
        assert await tabs[n % 3].chat("1+2")
    for tab in tabs:  # each tab acts once more: after the last refresh too
        assert await tab.chat("1+2")
    # Each refresh is sent by one tab and adopted by the other two.
    refreshes = recorder.count(RefreshSucceeded)
    assert refreshes >= 1, "the tabs never needed a new token"
    checks.refreshes_per_profile(recorder, refreshes)
    assert recorder.count(TokenAdopted) - opened == 2 * refreshes
    if promise.policy.rotation:
        assert recorder.count(Rotation) == refreshes
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    record = await server_view.session(user)
    checks.rotated_once_per_generation(record, recorder)
    checks.server_kept_session(record)


@pytest.mark.scenario("Ten tabs hit expiry in the same instant")
@pytest.mark.ac("AC1")
async def test_ten_tabs_hitting_expiry_together_send_exactly_one_refresh(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    outcomes = await ten_tabs_wake_after_expiry(profile, clock, promise)
    assert outcomes == [200] * 10
    checks.refreshes_per_profile(recorder, 1)
    checks.no_redirect_to_login(recorder)


@pytest.mark.negative
@pytest.mark.scenario("Ten tabs hit expiry in the same instant")
@pytest.mark.ac("AC1")
@pytest.mark.refapp(rotation_grace_seconds=0)
async def test_per_tab_refresh_lock_without_grace_is_caught_racing_and_signing_out(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    options = ClientOptions(shared_lock=False)
    outcomes = await ten_tabs_wake_after_expiry(profile, clock, promise, options)
    assert "refresh_reused" in outcomes or "session_revoked" in outcomes
    with pytest.raises(CheckFailed, match="expected 1 refresh request"):
        checks.refreshes_per_profile(recorder, 1)
    with pytest.raises(CheckFailed, match=r"refresh_reused|session_revoked"):
        checks.no_redirect_to_login(recorder)


@pytest.mark.scenario("Logout in one tab logs out every tab")
@pytest.mark.needs("logout")
async def test_logout_in_one_tab_sends_every_tab_of_the_profile_to_login(
    profile: ProfileFactory, recorder: Recorder, promise: Promise, server_view: ServerView
) -> None:
    user, other = await profile(), await profile(1)
    tabs = [await user.login(), await user.open_tab(), await user.open_tab()]
    elsewhere = await other.login()
    refresh_token, cookies = await user.current_refresh_token(), await user.cookies()
    access_token = user.login_access_token
    await tabs[1].logout()
    assert [await tab.signed_in() for tab in tabs] == [False, False, False]
    for tab in tabs:
        checks.says(user.policy, "logout", await tab.login_message())
    assert recorder.count(LoggedOut, profile=user.name) == 3
    with pytest.raises(SignedOut, match="logout"):
        await tabs[2].probe()
    assert await elsewhere.chat("2*3")  # another user's browser is untouched
    checks.no_redirect_to_login(recorder, profile=other.name)
    # The server ended the session too: the refresh token the profile held is refused.
    assert refresh_token is not None
    replay = await user.present_refresh_token(refresh_token, cookies=cookies)
    assert 400 <= replay.status_code < 500, (
        f"after logout the server still refreshed the session ({replay.status_code}): "
        "logout only cleared the browser"
    )
    record = await server_view.session(user)
    checks.server_revoked(record, "logout")
    checks.server_logged(record, "login", "logout")
    if promise.policy.access_revocation and access_token is not None:
        # The back button cannot resume it either: the last access token is refused (ASVS 7.4.1).
        again = await user.present_access_token(access_token)
        assert 400 <= again.status_code < 500, (
            f"after logout the access token still works ({again.status_code})"
        )


@pytest.mark.scenario("Two tabs sign out at once")
@pytest.mark.needs("logout", "refresh_cookie")
async def test_logout_arriving_twice_answers_cleanly_and_ends_only_that_session(
    profile: ProfileFactory, recorder: Recorder, server_view: ServerView
) -> None:
    """A double click, or two tabs signing out at once: the second logout carries the token
    the first ended, or no cookie at all (the first cleared it). Each is answered without a
    server error, and the user's session in another browser goes on."""
    laptop, phone = await profile(name="laptop"), await profile(name="phone")
    laptop_tab, phone_tab = await laptop.login(), await phone.login()
    ended = await laptop.current_refresh_token()
    assert ended is not None
    await laptop_tab.logout()
    for name, presented in {"the ended token": ended, "no cookie": ""}.items():
        again = await laptop.present_refresh_token(presented, purpose="logout")
        assert again.status_code < 500, f"logout again with {name}: {again.status_code}"
    assert await phone_tab.chat("3+3")
    checks.no_redirect_to_login(recorder, profile="phone")
    record = await server_view.session(laptop)
    checks.server_revoked(record, "logout")
    checks.server_logged(record, "login", "logout")
    checks.server_kept_session(await server_view.session(phone))


@pytest.mark.scenario("Sign out everywhere")
@pytest.mark.needs("logout_all")
@pytest.mark.drivers("api", browser="the reference frontend has no sign-out-everywhere control")
async def test_sign_out_everywhere_ends_the_users_session_in_another_browser(
    profile: ProfileFactory, recorder: Recorder, promise: Promise, server_view: ServerView
) -> None:
    laptop, phone = await profile(name="laptop"), await profile(name="phone")
    laptop_tab, phone_tab = await laptop.login(), await phone.login()
    assert (await laptop_tab.logout_all()).status_code < 400
    with pytest.raises(SignedOut):
        await phone_tab.probe()
    checks.redirected_to_login(recorder, reason=promise.reason("session_revoked"), profile="phone")
    records = [await server_view.session(browser) for browser in (laptop, phone)]
    checks.signed_out_everywhere(records)
    for record in records:
        checks.server_logged(record, "login", "logout_all")


@pytest.mark.scenario("A tab frozen holding the refresh lock")
@pytest.mark.ac("AC1")
@pytest.mark.drivers(
    "browser",
    api="simulated tabs never freeze: their profile's lock has no timeout to wait out",
)
async def test_tab_frozen_holding_the_refresh_lock_cannot_stop_the_others_refreshing(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    user = await profile()
    frozen, working = await user.login(), await user.open_tab()
    await frozen.freeze_holding_lock()
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    # The working tab queues for the lock, waits out its timeout, then takes it over.
    reply = asyncio.ensure_future(working.chat("2+2"))
    await clock.advance(timedelta(seconds=user.policy.lock_timeout_seconds + 5))
    assert await reply
    checks.refreshes_per_profile(recorder, 1)
    checks.no_redirect_to_login(recorder)
