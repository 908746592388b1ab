"""Tokens the app never issued are refused, and the user's own session carries on (OWASP
WSTG-SESS-10: tampered signatures, `alg: none`, changed claims, foreign keys, none at all)."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from harness import NotApplicable, ProfileFactory, Promise, ServerView, checks
from harness.client.wire import reply_of
from harness.events import Recorder
from harness.target.contract import jwt_claims, reason_of

pytestmark = [pytest.mark.needs("probe")]  # forged access tokens are tried on it

FOREIGN_KEY = "a key that is not the app's, long enough for HS256"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _other(char: str) -> str:
    """Another character of the same kind, so the token keeps its shape."""
    if char.isdigit():
        return "1" if char == "0" else "0"
    if char.islower():
        return "b" if char == "a" else "a"
    return "B" if char == "A" else "A"


def forgeries(token: str) -> dict[str, str]:
    """Tokens an attacker can make from one the user holds (JWT forgeries for a JWT)."""
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged = {"tampered": flipped, "garbage": "not-a-token", "none at all": ""}
    claims = jwt_claims(token)
    if claims is None:
        return forged
    header, payload, _ = token.split(".")
    changed = {**claims, "sub": "someone-else", "sid": "0" * 32}
    none_header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return {
        **forged,
        "alg-none": f"{none_header}.{payload}.",
        "claims-changed": f"{header}.{_b64(json.dumps(changed).encode())}.{token.split('.')[2]}",
        "foreign-key": jwt.encode(claims, FOREIGN_KEY, algorithm="HS256"),
    }


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Forged access tokens")
async def test_forged_access_tokens_are_refused_and_the_users_session_goes_on(
    profile: ProfileFactory, recorder: Recorder, promise: Promise, server_view: ServerView
) -> None:
    user = await profile()
    tab = await user.login()
    assert user.token is not None
    attacker = await profile(name="attacker")  # the forger has none of the user's cookies
    for name, forged in forgeries(user.token.value).items():
        response = await attacker.present_access_token(forged)
        reason = "token_missing" if not forged else "token_invalid"
        checks.access_refused(promise, reply_of(response), {reason}, label=name)
    assert await tab.chat("2+3")
    checks.no_redirect_to_login(recorder)
    checks.server_kept_session(await server_view.session(user))


def refresh_forgeries(token: str) -> dict[str, str]:
    """Refresh tokens a thief can make from one it saw, and none at all. Changed at the start,
    a structured token names another session (one the server does not know)."""
    return {
        "tampered": token[:-1] + _other(token[-1]),
        "tampered at the start": _other(token[0]) + token[1:],
        "garbage": "not-a-token",
        "none at all": "",
    }


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Forged refresh tokens")
@pytest.mark.needs("refresh_cookie")
async def test_forged_refresh_tokens_are_refused_and_rotate_nothing(
    profile: ProfileFactory, recorder: Recorder, promise: Promise, server_view: ServerView
) -> None:
    user = await profile()
    tab = await user.login()
    real = await user.current_refresh_token()
    assert real is not None
    for name, forged in refresh_forgeries(real).items():
        response = await user.present_refresh_token(forged)
        assert 400 <= response.status_code < 500, f"{name}: answered {response.status_code}"
        reason = promise.reason("refresh_missing" if not forged else "refresh_invalid")
        if reason is not None:
            said = reason_of(promise.profile, reply_of(response), "refresh")
            assert said == reason, f"{name}: refused as {said}"
        checks.refusal_explained(promise.profile, reply_of(response), label=name)
    assert await tab.chat("4*4")
    checks.no_redirect_to_login(recorder)
    record = await server_view.session(user)
    checks.server_kept_session(record)
    checks.rotated_once_per_generation(record, recorder)  # generation 0: nothing rotated


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Forged refresh tokens at logout")
@pytest.mark.needs("refresh_cookie", "logout")
async def test_logout_with_forged_refresh_tokens_answers_cleanly_and_ends_no_session(
    profile: ProfileFactory, recorder: Recorder, server_view: ServerView
) -> None:
    """Anyone can send a logout with a cookie of their making: the app answers it without a
    server error and ends no session, not even the one a forged token names."""
    user, thief = await profile(), await profile(name="thief")
    tab = await user.login()
    real = await user.current_refresh_token()
    assert real is not None
    for name, forged in refresh_forgeries(real).items():
        response = await thief.present_refresh_token(forged, purpose="logout")
        assert response.status_code < 500, f"{name}: logout answered {response.status_code}"
    assert await tab.chat("9-4")
    checks.no_redirect_to_login(recorder)
    checks.server_kept_session(await server_view.session(user))


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Forged refresh tokens")
@pytest.mark.needs("refresh_cookie")
async def test_tampered_parent_token_inside_the_grace_window_is_refused(
    profile: ProfileFactory, promise: Promise, server_view: ServerView
) -> None:
    """The grace window answers the parent token the server rotated, not any token of that
    generation: a tampered copy presented inside the window gets nothing."""
    if not (promise.policy.rotation and promise.policy.grace_seconds):
        raise NotApplicable("needs rotation with a grace window in the profile's [policy]")
    user, thief = await profile(), await profile(name="thief")
    await user.login()
    parent = await user.current_refresh_token()
    assert parent is not None
    assert (await user.present_refresh_token(parent)).status_code == 200  # rotated
    forged = refresh_forgeries(parent)["tampered"]
    response = await thief.present_refresh_token(forged)
    assert 400 <= response.status_code < 500, (
        f"a tampered parent inside the grace window answered {response.status_code}"
    )
    checks.rotated_once_per_generation(await server_view.session(user))
