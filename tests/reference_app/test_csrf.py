from __future__ import annotations

import pytest

from tests.reference_app.conftest import Api, error_of

LOGIN = {"email": "alice@example.com", "password": "wonderland"}
COOKIE_ENDPOINTS = [
    "/api/auth/login",
    "/api/auth/refresh",
    "/api/auth/logout",
    "/api/auth/logout-all",
]


@pytest.mark.parametrize("path", COOKIE_ENDPOINTS)
async def test_cookie_endpoint_without_requested_with_is_csrf_failed(api: Api, path: str) -> None:
    response = await api.call("POST", path, json=LOGIN)
    assert (response.status_code, error_of(response)) == (403, "csrf_failed")


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://testserver", "http://testserver:8080"]
)
async def test_foreign_origin_is_csrf_failed(api: Api, origin: str) -> None:
    response = await api.call(
        "POST", "/api/auth/login", json=LOGIN, headers={"X-Requested-With": "t", "Origin": origin}
    )
    assert (response.status_code, error_of(response)) == (403, "csrf_failed")


@pytest.mark.parametrize("origin", ["http://testserver", "http://TESTSERVER:80"])
async def test_own_origin_is_accepted(api: Api, origin: str) -> None:
    response = await api.call(
        "POST", "/api/auth/login", json=LOGIN, headers={"X-Requested-With": "t", "Origin": origin}
    )
    assert response.status_code == 200


async def test_blank_requested_with_is_csrf_failed(api: Api) -> None:
    response = await api.call(
        "POST", "/api/auth/login", json=LOGIN, headers={"X-Requested-With": " "}
    )
    assert error_of(response) == "csrf_failed"
