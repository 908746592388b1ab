from __future__ import annotations

from collections.abc import Callable

from freezegun.api import FrozenDateTimeFactory

from tests.reference_app.conftest import Api, cookie_of, error_of


async def test_login_returns_token_response_and_strict_cookie(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    response = await api.call(
        "POST",
        "/api/auth/login",
        headers={"X-Requested-With": "t"},
        json={"email": "alice@example.com", "password": "wonderland"},
    )
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["access_expires_at"] == "2026-01-10T09:30:00+00:00"
    assert body["refresh_expires_at"] == "2026-01-17T09:00:00+00:00"
    assert body["idle_expires_at"] == "2026-01-10T10:00:00+00:00"
    assert body["session_expires_at"] == "2026-02-09T09:00:00+00:00"
    assert body["user"] == {"email": "alice@example.com", "name": "Alice"}
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/api/auth" in cookie
    assert "secure" not in cookie


async def test_login_cookie_is_secure_over_https(api: Api) -> None:
    response = await api.call(
        "POST",
        "https://testserver/api/auth/login",
        headers={"X-Requested-With": "t"},
        json={"email": "alice@example.com", "password": "wonderland"},
    )
    assert "secure" in response.headers["set-cookie"].lower()


async def test_refresh_with_current_token_rotates_and_slides_expiry(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(idle_timeout_seconds=0)
    _, root = await api.login()
    frozen.tick(3600 * 24)
    response = await api.refresh(root)
    assert response.status_code == 200
    child = cookie_of(response)
    assert child != root
    assert response.json()["refresh_expires_at"] == "2026-01-18T09:00:00+00:00"
    assert (await api.refresh(child)).status_code == 200


async def test_refresh_with_parent_inside_grace_returns_same_child(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    _, root = await api.login()
    child = cookie_of(await api.refresh(root))
    frozen.tick(9)
    again = await api.refresh(root)
    assert again.status_code == 200
    assert cookie_of(again) == child
    assert (await api.refresh(child)).status_code == 200


async def test_refresh_with_parent_after_grace_revokes_family(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    _, root = await api.login()
    child = cookie_of(await api.refresh(root))
    frozen.tick(10)
    reused = await api.refresh(root)
    assert (reused.status_code, error_of(reused)) == (401, "refresh_reused")
    current = await api.refresh(child)
    assert (current.status_code, error_of(current)) == (401, "session_revoked")
    assert [e["kind"] for e in api.app.state.services.audit.events("reuse_detected")] == [
        "reuse_detected"
    ]


async def test_refresh_with_grandparent_inside_grace_revokes_family(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    _, root = await api.login()
    child = cookie_of(await api.refresh(root))
    grandchild = cookie_of(await api.refresh(child))
    reused = await api.refresh(root)
    assert (reused.status_code, error_of(reused)) == (401, "refresh_reused")
    assert error_of(await api.refresh(grandchild)) == "session_revoked"
    [event] = api.app.state.services.audit.events("reuse_detected")
    assert (event["generation"], event["current"]) == (0, 2)


async def test_revoked_family_rejects_access_tokens(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, root = await api.login()
    await api.refresh(root)
    frozen.tick(11)
    await api.refresh(root)
    response = await api.get("/api/auth/session", body["access_token"])
    assert (response.status_code, error_of(response)) == (401, "session_revoked")


async def test_refresh_without_cookie_is_refresh_missing(api: Api) -> None:
    response = await api.refresh(None)
    assert (response.status_code, error_of(response)) == (401, "refresh_missing")


async def test_refresh_with_garbled_cookie_is_refresh_invalid(api: Api) -> None:
    response = await api.refresh("garbage!!")
    assert (response.status_code, error_of(response)) == (401, "refresh_invalid")


async def test_refresh_with_forged_token_of_real_family_is_invalid_not_reuse(api: Api) -> None:
    _, root = await api.login()
    sid, _, _ = root.split(".")
    forged = f"{sid}.0.{'A' * 43}"
    assert error_of(await api.refresh(forged)) == "refresh_invalid"
    assert (await api.refresh(root)).status_code == 200


async def test_refresh_after_seven_days_without_idle_timeout_is_refresh_expired(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(idle_timeout_seconds=0)
    _, root = await api.login()
    frozen.tick(604800)
    response = await api.refresh(root)
    assert (response.status_code, error_of(response)) == (401, "refresh_expired")


async def test_refresh_expiry_never_passes_the_absolute_end(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(idle_timeout_seconds=0, session_max_seconds=86400 * 8)
    _, token = await api.login()
    frozen.tick(86400 * 6)
    response = await api.refresh(token)
    assert response.json()["refresh_expires_at"] == response.json()["session_expires_at"]


async def test_refresh_after_absolute_lifetime_is_session_expired(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(idle_timeout_seconds=0, session_max_seconds=86400 * 2)
    _, token = await api.login()
    frozen.tick(86400)
    token = cookie_of(await api.refresh(token))
    frozen.tick(86400)
    response = await api.refresh(token)
    assert (response.status_code, error_of(response)) == (401, "session_expired")


async def test_refresh_does_not_extend_idle_deadline(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, root = await api.login()
    frozen.tick(1800)
    response = await api.refresh(root)
    assert response.json()["idle_expires_at"] == body["idle_expires_at"]
    frozen.tick(1800)
    idle = await api.refresh(cookie_of(response))
    assert (idle.status_code, error_of(idle)) == (401, "session_idle")


async def test_each_login_starts_a_new_family(api: Api) -> None:
    first, _ = await api.login()
    second, _ = await api.login()
    one = (await api.get("/api/auth/session", first["access_token"])).json()["sid"]
    two = (await api.get("/api/auth/session", second["access_token"])).json()["sid"]
    assert one != two
