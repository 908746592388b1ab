"""Flask-JWT-Extended with cookies and double-submit CSRF, over real HTTP with the test clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.apps.servers import RunningApp, flask_jwt_cookies_server
from tests.apps.tokens import claims, tampered

CSRF = "X-CSRF-TOKEN"
TOKEN_COOKIES = {"access_token_cookie", "csrf_access_token", "refresh_token_cookie"}


@pytest.fixture
def browser(flask_app: RunningApp) -> Iterator[httpx.Client]:
    """A cookie-keeping client signed in as alice."""
    with httpx.Client(base_url=flask_app.base_url) as client:
        response = client.post("/api/login", json=flask_app.credentials("alice"))
        assert response.status_code == 200, response.text
        yield client


def refresh(client: httpx.Client, *, csrf: str | None = "from-cookie") -> httpx.Response:
    if csrf == "from-cookie":
        csrf = client.cookies["csrf_refresh_token"]
    return client.post("/api/refresh", headers={CSRF: csrf} if csrf else {})


def set_cookie_names(response: httpx.Response) -> set[str]:
    return {header.split("=", 1)[0] for header in response.headers.get_list("set-cookie")}


def test_login_sets_four_cookies_and_returns_the_access_token(flask_app: RunningApp) -> None:
    response = httpx.post(flask_app.base_url + "/api/login", json=flask_app.credentials("bob"))
    assert set_cookie_names(response) == TOKEN_COOKIES | {"csrf_refresh_token"}
    http_only = {
        h.split("=", 1)[0] for h in response.headers.get_list("set-cookie") if "HttpOnly" in h
    }
    assert http_only == {"access_token_cookie", "refresh_token_cookie"}
    assert response.json()["access_token"] == response.cookies["access_token_cookie"]
    access = claims(response.json()["access_token"])
    assert access["exp"] - access["iat"] == flask_app.access_ttl


def test_wrong_password_is_refused_with_401(flask_app: RunningApp) -> None:
    response = httpx.post(
        flask_app.base_url + "/api/login", json={"username": "alice", "password": "nope"}
    )
    assert (response.status_code, response.json()) == (401, {"msg": "Bad username or password"})


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"username": "alice"}'])
def test_login_without_both_fields_is_a_400(flask_app: RunningApp, body: bytes) -> None:
    response = httpx.post(
        flask_app.base_url + "/api/login",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"msg": "username and password are required"}


def test_get_with_the_access_cookie_needs_no_csrf_header(browser: httpx.Client) -> None:
    assert browser.get("/api/me").json() == {"username": "alice"}


def test_post_with_the_access_cookie_needs_the_access_csrf_header(browser: httpx.Client) -> None:
    refused = browser.post("/api/echo", json={"message": "hi"})
    assert (refused.status_code, refused.json()) == (401, {"msg": "Missing CSRF token"})
    accepted = browser.post(
        "/api/echo", json={"message": "hi"}, headers={CSRF: browser.cookies["csrf_access_token"]}
    )
    assert (accepted.status_code, accepted.json()) == (200, {"reply": "hi"})


def test_bearer_header_wins_over_the_cookie_and_needs_no_csrf(browser: httpx.Client) -> None:
    bearer = {"Authorization": f"Bearer {browser.cookies['access_token_cookie']}"}
    response = browser.post("/api/echo", json={"message": "hi"}, headers=bearer)
    assert (response.status_code, response.json()) == (200, {"reply": "hi"})


def test_refresh_without_the_csrf_header_is_refused(browser: httpx.Client) -> None:
    response = refresh(browser, csrf=None)
    assert (response.status_code, response.json()) == (401, {"msg": "Missing CSRF token"})
    mismatch = refresh(browser, csrf="not-the-cookie-value")
    assert mismatch.status_code == 401
    assert mismatch.json() == {"msg": "CSRF double submit tokens do not match"}


def test_refresh_issues_an_access_token_and_keeps_the_refresh_cookie(
    browser: httpx.Client,
) -> None:
    before = browser.cookies["refresh_token_cookie"]
    response = refresh(browser)
    assert response.status_code == 200
    assert set_cookie_names(response) == {"access_token_cookie", "csrf_access_token"}
    assert response.json()["access_token"] == browser.cookies["access_token_cookie"]
    assert browser.cookies["refresh_token_cookie"] == before  # not rotated
    assert refresh(browser).status_code == 200  # and reusable


def test_access_token_expires_with_the_clock_and_refresh_renews_it(
    flask_app: RunningApp, browser: httpx.Client
) -> None:
    flask_app.move_clock(flask_app.access_ttl + 1)
    expired = browser.get("/api/me")
    assert (expired.status_code, expired.json()) == (401, {"msg": "Token has expired"})
    assert refresh(browser).status_code == 200
    assert browser.get("/api/me").status_code == 200


def test_refresh_token_expires_with_the_clock(flask_app: RunningApp, browser: httpx.Client) -> None:
    flask_app.move_clock(flask_app.refresh_ttl + 1)
    response = refresh(browser)
    assert (response.status_code, response.json()) == (401, {"msg": "Token has expired"})


def test_tampered_access_token_is_refused_with_422(flask_app: RunningApp) -> None:
    """The library's default for an invalid token is 422, not 401."""
    token = httpx.post(
        flask_app.base_url + "/api/login", json=flask_app.credentials("alice")
    ).json()["access_token"]
    response = httpx.get(
        flask_app.base_url + "/api/me",
        headers={"Authorization": f"Bearer {tampered(token, sub='bob')}"},
    )
    assert (response.status_code, response.json()) == (
        422,
        {"msg": "Signature verification failed"},
    )


def test_logout_clears_the_cookies_but_a_kept_refresh_token_still_works(
    flask_app: RunningApp, browser: httpx.Client
) -> None:
    """Stateless tokens: logout only asks the browser to forget them."""
    kept = {name: browser.cookies[name] for name in ("refresh_token_cookie", "csrf_refresh_token")}
    response = browser.post("/api/logout")
    assert (response.status_code, response.json()) == (200, {"msg": "logout successful"})
    assert dict(browser.cookies) == {}
    assert refresh(browser, csrf="x").json() == {"msg": 'Missing cookie "refresh_token_cookie"'}
    with httpx.Client(base_url=flask_app.base_url, cookies=kept) as thief:
        assert refresh(thief).status_code == 200


def test_server_fixture_leaves_no_process_listening() -> None:
    with flask_jwt_cookies_server(test_clock=False) as app:
        assert httpx.get(app.base_url + "/__harness__/clock").status_code == 404
    with pytest.raises(httpx.ConnectError):
        httpx.get(app.base_url + "/api/me")
