from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from pwdlib import PasswordHash

from tests.reference_app.conftest import XRW, Api, error_of


async def test_every_response_carries_server_time(api: Api) -> None:
    for response in (await api.get("/api/auth/config"), await api.get("/api/nothing")):
        assert datetime.fromisoformat(response.headers["x-server-time"]).utcoffset() is not None


async def test_config_serves_client_settings(api: Api) -> None:
    config = (await api.get("/api/auth/config")).json()
    assert config["access_ttl_seconds"] == 1800
    assert config["refresh_threshold_seconds"] == 300
    assert config["warning_lead_seconds"] == 120
    assert config["rotation_grace_seconds"] == 10
    assert config["issued_at_leeway_seconds"] == 60
    assert config["regressions"] == []


async def test_wrong_password_and_unknown_user_look_the_same(api: Api) -> None:
    wrong = await api.call(
        "POST", "/api/auth/login", headers=XRW, json={"email": "alice@example.com", "password": "x"}
    )
    unknown = await api.call(
        "POST", "/api/auth/login", headers=XRW, json={"email": "eve@example.com", "password": "x"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"error": "invalid_credentials", "message": "unknown email or wrong password"}
    )


async def test_unknown_user_costs_a_password_check(
    make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown email is verified against a hash made with the same parameters as a real
    user's, so both answers take the same time (no timing oracle for existing accounts)."""
    api = make_api(password_hash_memory_kib=19456, password_hash_time_cost=2)
    verified: list[str] = []
    original = PasswordHash.verify

    def spy(self: PasswordHash, password: str | bytes, hash: str | bytes) -> bool:
        verified.append(str(hash))
        return original(self, password, hash)

    monkeypatch.setattr(PasswordHash, "verify", spy)
    for email in ("alice@example.com", "eve@example.com"):
        body = {"email": email, "password": "nope"}
        await api.call("POST", "/api/auth/login", headers=XRW, json=body)
    wrong, unknown = verified
    # `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<digest>`: the parameters set the cost.
    assert wrong.rsplit("$", 2)[0] == unknown.rsplit("$", 2)[0] == "$argon2id$v=19$m=19456,t=2,p=1"


async def test_logout_revokes_family_and_clears_cookie(api: Api) -> None:
    body, cookie = await api.login()
    response = await api.call(
        "POST", "/api/auth/logout", headers={**XRW, "Cookie": f"refresh_token={cookie}"}
    )
    assert response.json() == {"ok": True}
    cleared = response.headers["set-cookie"]
    # A deletion only reaches the browser's cookie if its Path matches the one that set it.
    assert "Max-Age=0" in cleared and "Path=/api/auth" in cleared and "HttpOnly" in cleared
    assert error_of(await api.refresh(cookie)) == "session_revoked"
    assert error_of(await api.get("/api/auth/session", body["access_token"])) == "session_revoked"


async def test_logout_without_cookie_still_succeeds(api: Api) -> None:
    response = await api.call("POST", "/api/auth/logout", headers=XRW)
    assert (response.status_code, response.json()) == (200, {"ok": True})


async def test_logout_all_revokes_every_family_of_the_user(api: Api) -> None:
    first, one = await api.login()
    _, two = await api.login()
    _, bobs = await api.login("bob@example.com", "builder")
    response = await api.post("/api/auth/logout-all", first["access_token"], headers=XRW)
    assert response.json() == {"ok": True, "revoked": 2}
    assert error_of(await api.refresh(one)) == error_of(await api.refresh(two)) == "session_revoked"
    assert (await api.refresh(bobs)).status_code == 200


async def test_session_endpoint_reports_expiries(api: Api) -> None:
    body, _ = await api.login()
    session = (await api.get("/api/auth/session", body["access_token"])).json()
    assert session["user"] == {"email": "alice@example.com", "name": "Alice"}
    assert session["access_expires_at"] == body["access_expires_at"]
    assert session["session_expires_at"] == body["session_expires_at"]


async def test_frontend_pages_are_served_after_api_routes(api: Api) -> None:
    login = await api.call("GET", "/login")
    assert login.status_code == 200 and "text/html" in login.headers["content-type"]
    assert (await api.call("GET", "/")).status_code == 200


async def test_apps_share_no_state(make_api: Callable[..., Api]) -> None:
    first, second = make_api(), make_api(jwt_secret=None)
    _, cookie = await first.login()
    assert error_of(await second.refresh(cookie)) == "refresh_invalid"
    assert first.app.state.services.clock is not second.app.state.services.clock


async def test_token_and_session_responses_are_never_cached(api: Api) -> None:
    """RFC 6749 §5.1: token responses carry `Cache-Control: no-store` and `Pragma: no-cache`."""
    body, cookie = await api.login()
    responses = [
        await api.call(
            "POST",
            "/api/auth/login",
            headers=XRW,
            json={"email": "alice@example.com", "password": "wonderland"},
        ),
        await api.refresh(cookie),
        await api.get("/api/auth/session", body["access_token"]),
        await api.get("/api/auth/config"),
    ]
    for response in responses:
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store", response.url
        assert response.headers["pragma"] == "no-cache", response.url


async def test_config_serves_the_client_algorithm_constants(api: Api) -> None:
    security = "Your session was ended for your security. Please sign in again."
    expired = "Your session has expired. Please sign in again."
    assert (await api.get("/api/auth/config")).json()["client"] == {
        "tick_seconds": 30,
        "retry_delays_seconds": [1, 2, 4],
        "heartbeat_max_seconds": 60,
        "lock_timeout_seconds": 10,
        "retryable_errors": ["token_expired", "token_invalid", "token_missing"],
        "messages": {
            "session_idle": "You were signed out after a period of inactivity.",
            "refresh_expired": expired,
            "session_expired": expired,
            "refresh_reused": security,
            "session_revoked": security,
            "logout": "You have signed out.",
        },
        "default_message": "Please sign in again.",
        "banner_connection": "Connection problem, retrying.",
    }
