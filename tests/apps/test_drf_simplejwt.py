"""Django REST framework + simplejwt, over real HTTP: rotation, blacklist, expiry by test clock."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx

from tests.apps.servers import RunningApp
from tests.apps.tokens import claims, tampered

LOGIN, REFRESH, LOGOUT = "/api/token/", "/api/token/refresh/", "/api/token/blacklist/"


def login(app: RunningApp, username: str = "alice") -> dict[str, str]:
    response = httpx.post(app.base_url + LOGIN, json=app.credentials(username))
    assert response.status_code == 200, response.text
    return dict(response.json())


def me(app: RunningApp, access: str) -> httpx.Response:
    return httpx.get(app.base_url + "/api/me", headers={"Authorization": f"Bearer {access}"})


def refresh(app: RunningApp, token: str) -> httpx.Response:
    return httpx.post(app.base_url + REFRESH, json={"refresh": token})


def test_login_returns_both_tokens_in_the_body_with_the_configured_ttls(
    drf_app: RunningApp,
) -> None:
    tokens = login(drf_app)
    access, refresh_token = claims(tokens["access"]), claims(tokens["refresh"])
    assert (access["token_type"], refresh_token["token_type"]) == ("access", "refresh")
    # simplejwt dates the access token's exp from the refresh token's time and its iat from
    # its own creation, a moment later: across a second's edge the two differ by one.
    assert drf_app.access_ttl - 1 <= access["exp"] - access["iat"] <= drf_app.access_ttl
    assert refresh_token["exp"] - refresh_token["iat"] == drf_app.refresh_ttl


def test_wrong_password_is_refused_with_401(drf_app: RunningApp) -> None:
    response = httpx.post(
        drf_app.base_url + LOGIN, json={"username": "alice", "password": "not-hers"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_me_and_echo_answer_the_bearer_of_an_access_token(drf_app: RunningApp) -> None:
    access = login(drf_app, "bob")["access"]
    assert me(drf_app, access).json() == {"id": 2, "username": "bob"}
    echoed = httpx.post(
        drf_app.base_url + "/api/echo",
        json={"message": "hello"},
        headers={"Authorization": f"Bearer {access}"},
    )
    assert (echoed.status_code, echoed.json()) == (200, {"reply": "hello"})


def test_access_token_is_refused_once_the_clock_passes_its_ttl(drf_app: RunningApp) -> None:
    access = login(drf_app)["access"]
    drf_app.move_clock(drf_app.access_ttl - 5)
    assert me(drf_app, access).status_code == 200
    drf_app.move_clock(10)
    response = me(drf_app, access)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response.json()["messages"][0]["message"] == "Token is expired"


def test_tokens_issued_after_a_clock_move_carry_the_moved_time(drf_app: RunningApp) -> None:
    drf_app.move_clock(86400)
    server_now = datetime.fromisoformat(
        httpx.get(drf_app.base_url + "/__harness__/clock").json()["now"]
    )
    issued_at = claims(login(drf_app)["access"])["iat"]
    assert abs(issued_at - server_now.timestamp()) < 5


def test_tampered_access_token_is_refused(drf_app: RunningApp) -> None:
    access = login(drf_app)["access"]
    response = me(drf_app, tampered(access, user_id="2"))
    assert response.status_code == 401
    assert response.json()["messages"][0]["message"] == "Token is invalid"


def test_refresh_rotates_the_refresh_token_and_blacklists_the_parent(drf_app: RunningApp) -> None:
    parent = login(drf_app)["refresh"]
    rotated = refresh(drf_app, parent)
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != parent
    replay = refresh(drf_app, parent)
    assert replay.status_code == 401
    assert replay.json() == {"detail": "Token is blacklisted", "code": "token_not_valid"}


def test_child_stays_usable_after_a_replay_of_its_parent(drf_app: RunningApp) -> None:
    """No family revocation: a replayed parent is refused, the thief's child keeps working."""
    parent = login(drf_app)["refresh"]
    child = refresh(drf_app, parent).json()["refresh"]
    assert refresh(drf_app, parent).status_code == 401
    grandchild = refresh(drf_app, child)
    assert grandchild.status_code == 200
    assert me(drf_app, grandchild.json()["access"]).status_code == 200


async def test_racing_refreshes_of_one_token_each_win_a_child_or_see_the_blacklist(
    drf_app: RunningApp,
) -> None:
    """No grace window and no atomic check: racing tabs fork the token or are logged out.

    simplejwt checks the blacklist, then blacklists, in separate queries; Django runs each
    request in its own thread, so how many of five simultaneous refreshes win varies (1 to 5).
    """
    token = login(drf_app)["refresh"]
    async with httpx.AsyncClient(base_url=drf_app.base_url) as client:
        responses = await asyncio.gather(
            *(client.post(REFRESH, json={"refresh": token}) for _ in range(5))
        )
    winners = [r.json()["refresh"] for r in responses if r.status_code == 200]
    losers = [r.json() for r in responses if r.status_code != 200]
    assert winners, [r.text for r in responses]
    assert len(set(winners)) == len(winners)  # every winner holds a child of its own
    assert all(body["detail"] == "Token is blacklisted" for body in losers), losers
    assert refresh(drf_app, token).status_code == 401  # afterwards, sequentially: refused


def test_refresh_token_is_refused_once_the_clock_passes_its_ttl(drf_app: RunningApp) -> None:
    token = login(drf_app)["refresh"]
    drf_app.move_clock(drf_app.refresh_ttl + 1)
    response = refresh(drf_app, token)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token is expired", "code": "token_not_valid"}


def test_logout_blacklists_the_refresh_token_but_not_the_access_token(
    drf_app: RunningApp,
) -> None:
    tokens = login(drf_app)
    logout = httpx.post(drf_app.base_url + LOGOUT, json={"refresh": tokens["refresh"]})
    assert (logout.status_code, logout.json()) == (200, {})
    assert refresh(drf_app, tokens["refresh"]).json()["detail"] == "Token is blacklisted"
    assert me(drf_app, tokens["access"]).status_code == 200  # stateless until it expires


def test_token_responses_carry_no_cache_control(drf_app: RunningApp) -> None:
    """simplejwt does not send `Cache-Control: no-store` (RFC 6749 §5.1 asks for it)."""
    response = httpx.post(drf_app.base_url + LOGIN, json=drf_app.credentials("alice"))
    assert "cache-control" not in response.headers
