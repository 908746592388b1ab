"""Token lifetimes: one access TTL on every issuing path, and how each lifetime ends."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from harness import checks
from harness.checks import CheckFailed
from harness.client import SignedOut
from harness.clock import VirtualClock
from harness.events import LoggedIn, Recorder, RedirectToLogin
from harness.fixtures import ProfileFactory

EXPIRED = "Your session has expired. Please sign in again."
INACTIVE = "You were signed out after a period of inactivity."


def lifetime_seconds(access_token: str) -> int:
    """`exp - iat` of a JWT, read without its key (the client never holds the key)."""
    claims = jwt.decode(access_token, options={"verify_signature": False})
    return int(claims["exp"]) - int(claims["iat"])


async def tokens_from_every_path(profile: ProfileFactory, clock: VirtualClock) -> list[str]:
    """Access tokens from a login, a rotation, and a grace-window re-issue (lost response)."""
    alice = await profile("alice")
    tab = await alice.login()
    tokens = []
    for step in ("login", "rotation", "grace re-issue"):
        if step == "grace re-issue":
            alice.network.lose_next_response("/api/auth/refresh")
        if step != "login":
            await clock.advance(timedelta(minutes=25, seconds=30))
        assert tab.token is not None, step
        tokens.append(tab.token.value)
    return tokens


async def configured_access_ttl(profile: ProfileFactory) -> int:
    config = await (await profile("bob", name="config-reader")).http.get("/api/auth/config")
    return int(config.json()["access_ttl_seconds"])


@pytest.mark.ac("AC2")
@pytest.mark.scenario("Token TTL identical on every issuing path")
async def test_login_rotation_and_grace_reissue_give_the_configured_access_ttl(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    ttl = await configured_access_ttl(profile)
    tokens = await tokens_from_every_path(profile, clock)
    assert len(set(tokens)) == 3
    assert [lifetime_seconds(t) for t in tokens] == [ttl, ttl, ttl]
    checks.access_ttl_everywhere(recorder, ttl)


@pytest.mark.ac("AC2")
@pytest.mark.refapp(regressions={"legacy_access_ttl"})
async def test_second_login_path_with_a_seven_day_ttl_is_caught(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    # The story's Issue #1: AuthService still issued 7-day tokens next to TokenService's 30 min.
    ttl = await configured_access_ttl(profile)
    tokens = await tokens_from_every_path(profile, clock)
    assert lifetime_seconds(tokens[0]) == int(timedelta(days=7).total_seconds())
    with pytest.raises(CheckFailed, match="logged_in"):
        checks.access_ttl_everywhere(recorder, ttl)


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Seven days of inactivity")
@pytest.mark.parametrize(
    ("reason", "message"),
    [
        pytest.param("session_idle", INACTIVE, id="idle-timeout-on"),
        pytest.param(
            "refresh_expired",
            EXPIRED,
            marks=pytest.mark.refapp(idle_timeout_seconds=0),
            id="idle-timeout-off",
        ),
    ],
)
async def test_laptop_closed_for_seven_days_wakes_up_on_login_with_a_message(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, reason: str, message: str
) -> None:
    tab = await (await profile("alice")).login()
    await clock.advance(timedelta(days=7), mode="fast_forward")
    redirect = checks.redirected_to_login(recorder, reason=reason)
    assert redirect.message == message
    with pytest.raises(SignedOut):
        await tab.chat("hello?")


@pytest.mark.ac("AC4", "AC7")
@pytest.mark.scenario("Absolute lifetime reached while active")
@pytest.mark.refapp(session_max_seconds=7200)
async def test_active_user_reaching_the_absolute_lifetime_is_warned_then_redirected(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    tab = await (await profile("alice")).login()
    with pytest.raises(SignedOut):
        for _ in range(180):
            await clock.advance(60)
            await tab.chat("1+1")
    checks.warning_shown_before(recorder, "absolute")
    redirect = checks.redirected_to_login(recorder, reason="session_expired")
    assert redirect.message == EXPIRED
    [login] = recorder.of_kind(LoggedIn)
    assert timedelta(hours=2) <= redirect.at - login.at <= timedelta(hours=2, minutes=1)
    assert recorder.count(RedirectToLogin) == 1
