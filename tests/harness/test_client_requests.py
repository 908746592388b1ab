"""Tab request path: proactive refresh, 401 → refresh → one retry, streaming, skew, sign-outs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness.client import (
    ActionFailed,
    ClientOptions,
    LoginFailed,
    Profile,
    SignedOut,
    Unsupported,
)
from harness.clock import VirtualClock
from harness.events import (
    LoggedIn,
    Recorder,
    RedirectToLogin,
    RefreshStarted,
    RequestSent,
    ResponseReceived,
    Unauthorized,
)
from harness.fixtures import ProfileFactory

ALICE = ("alice@example.com", "wonderland")


def requests_to(recorder: Recorder, path: str) -> int:
    return sum(1 for e in recorder.of_kind(RequestSent) if getattr(e, "path", "") == path)


async def test_login_opens_a_signed_in_tab_and_records_virtual_times(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile()).login(*ALICE)
    response = await tab.get("/api/auth/session")
    assert response.status_code == 200
    assert await tab.signed_in() and await tab.login_message() is None
    [logged_in] = recorder.of_kind(LoggedIn)
    assert isinstance(logged_in, LoggedIn)
    assert logged_in.access_expires_at == clock.now() + timedelta(minutes=30)
    assert all(e.at == clock.now() and e.profile == "alice" for e in recorder)


async def test_login_with_wrong_password_raises_with_the_api_code(profile: ProfileFactory) -> None:
    with pytest.raises(LoginFailed) as failure:
        await (await profile()).login("alice@example.com", "not-her-password")
    assert (failure.value.status, failure.value.error) == (401, "invalid_credentials")


async def test_active_user_for_two_hours_refreshes_before_expiry_without_401(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile()).login(*ALICE)
    for _ in range(120):
        await clock.advance(60)
        assert (await tab.get("/api/chat/history")).status_code == 200
    assert recorder.count(Unauthorized) == 0
    # 30 min tokens, refreshed once under 5 min are left: at 25, 50, 75, 100 minutes.
    starts = recorder.of_kind(RefreshStarted)
    assert [e.at - starts[0].at for e in starts] == [timedelta(minutes=25 * n) for n in range(4)]
    assert starts[0].at - recorder.events[0].at == timedelta(minutes=25)


async def test_expired_token_without_proactive_refresh_gets_one_401_then_one_retry(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile(options=ClientOptions(proactive_refresh=False))
    tab = await alice.login(*ALICE)
    await clock.advance(timedelta(minutes=31))
    assert await tab.chat("2+2") == "4"
    [unauthorized] = recorder.of_kind(Unauthorized)
    assert isinstance(unauthorized, Unauthorized) and unauthorized.error == "token_expired"
    assert requests_to(recorder, "/api/auth/refresh") == 1
    assert requests_to(recorder, "/api/chat") == 2


async def test_second_401_after_the_refresh_is_returned_not_retried_again(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    alice.network.fail_next("/api/chat/history", times=2, status=401, error="token_invalid")
    response = await tab.get("/api/chat/history")
    assert response.status_code == 401
    assert requests_to(recorder, "/api/chat/history") == 2
    assert requests_to(recorder, "/api/auth/refresh") == 1
    assert await tab.signed_in()


async def test_streaming_with_an_expired_token_refreshes_through_the_same_path(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile(options=ClientOptions(proactive_refresh=False))
    tab = await alice.login(*ALICE)
    await clock.advance(timedelta(minutes=45))
    chunks = await tab.stream_chunks("hello stream")
    assert len(chunks) > 1
    assert "".join(chunks) == await tab.chat("hello stream")
    assert [e.path for e in recorder.of_kind(Unauthorized)] == ["/api/chat/stream"]  # type: ignore[attr-defined]
    assert requests_to(recorder, "/api/chat/stream") == 2


@pytest.mark.parametrize("skew_minutes", [-10, 10])
async def test_client_clock_off_by_ten_minutes_refreshes_at_the_server_moment(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, skew_minutes: int
) -> None:
    options = ClientOptions(skew_seconds=skew_minutes * 60)
    tab = await (await profile(options=options)).login(*ALICE)
    start = clock.now()
    for _ in range(60):
        await clock.advance(60)
        await tab.get("/api/chat/history")
    assert recorder.count(Unauthorized) == 0
    starts = [e.at - start for e in recorder.of_kind(RefreshStarted)]
    assert starts == [timedelta(minutes=25), timedelta(minutes=50)]


@pytest.mark.refapp(refresh_ttl_seconds=3600, idle_timeout_seconds=0)
async def test_refresh_token_expired_redirects_to_login_with_message(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile(options=ClientOptions(proactive_refresh=False))).login(*ALICE)
    await clock.advance(timedelta(hours=2), mode="fast_forward")
    with pytest.raises(SignedOut) as signed_out:
        await tab.get("/api/chat/history")
    assert signed_out.value.reason == "refresh_expired"
    assert not await tab.signed_in()
    assert await tab.login_message() == "Your session has expired. Please sign in again."
    [redirect] = recorder.of_kind(RedirectToLogin)
    assert isinstance(redirect, RedirectToLogin) and redirect.reason == "refresh_expired"


async def test_session_revoked_elsewhere_signs_the_tab_out_on_its_next_call(
    profile: ProfileFactory, recorder: Recorder
) -> None:
    tab = await (await profile(name="laptop")).login(*ALICE)
    phone = await (await profile(name="phone")).login(*ALICE)
    assert (await phone.post("/api/auth/logout-all")).status_code == 200
    with pytest.raises(SignedOut) as signed_out:
        await tab.get("/api/chat/history")
    assert signed_out.value.reason == "session_revoked"
    assert (
        await tab.login_message()
        == "Your session was ended for your security. Please sign in again."
    )
    statuses = [e.status for e in recorder.of_kind(ResponseReceived) if e.profile == "laptop"]  # type: ignore[attr-defined]
    assert statuses[-1] == 401


async def test_request_on_the_login_page_raises_signed_out(profile: ProfileFactory) -> None:
    alice: Profile = await profile()
    tab = await alice.open_tab()
    assert not await tab.signed_in()
    with pytest.raises(SignedOut):
        await tab.get("/api/chat/history")


@pytest.mark.refapp(regressions={"no_proactive_refresh"})
async def test_client_regression_listed_by_the_server_is_applied_by_the_client(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login(*ALICE)
    assert not alice.policy.proactive_refresh
    await clock.advance(timedelta(minutes=31))
    assert recorder.count(RefreshStarted) == 0  # no timer refresh before expiry
    assert (await tab.get("/api/chat/history")).status_code == 200
    assert [e.error for e in recorder.of_kind(Unauthorized)] == ["token_expired"]  # type: ignore[attr-defined]


async def test_error_answer_to_an_action_raises_action_failed_with_the_code(
    profile: ProfileFactory,
) -> None:
    alice: Profile = await profile()
    tab = await alice.login(*ALICE)
    alice.network.fail_next("/api/chat", status=500, error="boom")
    with pytest.raises(ActionFailed) as refused:
        await tab.chat("2+2")
    assert (refused.value.status, refused.value.error) == (500, "boom")
    assert await tab.chat("2+2") == "4"  # the user is still signed in


async def test_logout_shows_the_sign_out_message_in_every_tab(profile: ProfileFactory) -> None:
    alice: Profile = await profile()
    tabs = [await alice.login(*ALICE), await alice.open_tab()]
    await tabs[1].logout()
    assert [await tab.login_reason() for tab in tabs] == ["logout", "logout"]
    assert [await tab.login_message() for tab in tabs] == ["You have signed out."] * 2


@pytest.mark.parametrize("verb", ["hide", "show", "freeze_holding_lock"])
async def test_page_only_verbs_on_a_simulated_tab_are_unsupported(
    profile: ProfileFactory, verb: str
) -> None:
    tab = await (await profile()).login(*ALICE)
    with pytest.raises(Unsupported, match="no page"):
        await getattr(tab, verb)()
